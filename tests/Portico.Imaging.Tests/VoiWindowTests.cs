using Xunit;

namespace Portico.Imaging.Tests;

/// <summary>The DICOMweb <c>window</c> parameter (PS3.18 §8.3.5.1.4) and the LINEAR_EXACT function DCMTK cannot render.</summary>
public sealed class VoiWindowTests
{
    [Theory]
    [InlineData("40,400", 40, 400, VoiFunction.Linear)]
    [InlineData("-600,1500,linear_exact", -600, 1500, VoiFunction.LinearExact)]
    [InlineData("10,20,SIGMOID", 10, 20, VoiFunction.Sigmoid)]
    [InlineData(" 40 , 400 , linear ", 40, 400, VoiFunction.Linear)]
    [InlineData("0.5,1", 0.5, 1, VoiFunction.Linear)]
    [InlineData("1e3,2.5e3", 1000, 2500, VoiFunction.Linear)]
    [InlineData("100,0.5,sigmoid", 100, 0.5, VoiFunction.Sigmoid)]
    public void TryParse_ValidWindow_ReadsCenterWidthAndFunction(string text, double center, double width, VoiFunction function)
    {
        Assert.True(VoiWindow.TryParse(text, out VoiWindow window));

        Assert.Equal(new VoiWindow(center, width, function), window);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("40")]
    [InlineData("a,b")]
    [InlineData("40,b")]
    [InlineData("40,0")]
    [InlineData("40,0.5")]
    [InlineData("40,-400")]
    [InlineData("40,0,sigmoid")]
    [InlineData("40,400,cubic")]
    [InlineData("40,400,linear,1")]
    [InlineData("NaN,400")]
    [InlineData("40,Infinity")]
    [InlineData("40;400")]
    public void TryParse_InvalidWindow_ReturnsFalse(string? text)
    {
        Assert.False(VoiWindow.TryParse(text, out VoiWindow window));
        Assert.Equal(default, window);
    }

    [Theory]
    [InlineData("40,400")]
    [InlineData("-600,1500,linear_exact")]
    [InlineData("10.25,20,sigmoid")]
    public void ToString_ParsesBackToTheSameWindow(string text)
    {
        Assert.True(VoiWindow.TryParse(text, out VoiWindow window));

        Assert.True(VoiWindow.TryParse(window.ToString(), out VoiWindow again));
        Assert.Equal(window, again);
    }

    /// <summary>
    /// LINEAR_EXACT (PS3.3 C.11.2.1.3.2), computed here from the standard's equation for every 8-bit value:
    /// x ≤ c - w/2 gives 0, x > c + w/2 gives 255, else ((x - c) / w + 0.5) × 255, rounded to the nearest level.
    /// </summary>
    [Theory]
    [InlineData(100, 50)]
    [InlineData(127.5, 255)]
    [InlineData(30, 0.5)]
    public void Render_LinearExact_FollowsTheStandardsEquation(double center, double width)
    {
        var layout = new PixelLayout { Rows = 1, Columns = 256, BitsAllocated = 8, BitsStored = 8, HighBit = 7, Photometric = "MONOCHROME2" };
        byte[] ramp = [.. Enumerable.Range(0, 256).Select(i => (byte)i)];

        RenderedImage image = FrameRenderer.Render(layout, ramp, new VoiWindow(center, width, VoiFunction.LinearExact));

        for (int x = 0; x < 256; x++)
        {
            double y = x <= center - (width / 2) ? 0 : x > center + (width / 2) ? 255 : (((x - center) / width) + 0.5) * 255;
            Assert.True(Math.Abs(image.Pixels[x] - y) <= 0.5, $"x={x}: {image.Pixels[x]}, the standard gives {y}.");
        }
    }
}
