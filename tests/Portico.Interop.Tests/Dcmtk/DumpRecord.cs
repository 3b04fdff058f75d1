namespace Portico.Interop.Tests.Dcmtk;

/// <summary>One line of a data set listing: nesting depth, tag, VR, length (-1 undefined) and the value as text.</summary>
internal sealed record DumpRecord(int Depth, uint Tag, string VR, long Length, string Value)
{
    public override string ToString() => $"{new string(' ', Depth * 2)}({Tag >> 16:x4},{Tag & 0xFFFF:x4}) {VR} len={Length} [{Value}]";
}
