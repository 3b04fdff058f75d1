using Portico.Tests.Shared;

namespace Portico.Imaging.Tests;

internal static class RenderedImageExtensions
{
    /// <summary>The image in the shape the reference tools' output is compared in.</summary>
    public static ReferenceImages.Pnm AsPnm(this RenderedImage image) => new(image.Width, image.Height, image.Channels, image.Pixels);
}
