namespace Portico.Imaging.Jpeg2000;

/// <summary>
/// One progression volume (T.800 §A.6.6, POC): the packets of layers below <see cref="LayerEnd"/>, resolution levels
/// from <see cref="ResolutionStart"/> below <see cref="ResolutionEnd"/> and components from
/// <see cref="ComponentStart"/> below <see cref="ComponentEnd"/>, in <see cref="Order"/>. Without a POC the tile is one
/// volume of everything in COD's order.
/// </summary>
internal readonly record struct ProgressionChange(int ResolutionStart, int ComponentStart, int LayerEnd, int ResolutionEnd, int ComponentEnd, ProgressionOrder Order);

/// <summary>T.800 Table A.16: the progression orders.</summary>
internal enum ProgressionOrder
{
    LayerResolutionComponentPosition = 0,
    ResolutionLayerComponentPosition = 1,
    ResolutionPositionComponentLayer = 2,
    PositionComponentResolutionLayer = 3,
    ComponentPositionResolutionLayer = 4,
}
