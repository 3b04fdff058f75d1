using Xunit;

namespace Portico.Imaging.Tests;

/// <summary><see cref="RenderedImage.FitWithin"/>: box-filter shrinking, checked against a plain loop over each output pixel's block.</summary>
public sealed class RenderedImageTests
{
    [Theory]
    [InlineData(517, 300, 1, 128, 128)]
    [InlineData(517, 300, 3, 128, 128)]
    [InlineData(300, 517, 3, 128, 128)]
    [InlineData(517, 300, 1, 200, 50)]
    [InlineData(64, 64, 1, 33, 33)]
    [InlineData(1000, 3, 3, 10, 10)]
    [InlineData(5, 7, 1, 2, 100)]
    public void FitWithin_LargerImage_EachPixelIsTheRoundedMeanOfItsBlock(int width, int height, int channels, int maxWidth, int maxHeight)
    {
        RenderedImage image = RandomImage(width, height, channels, seed: width + height + channels);

        RenderedImage fitted = image.FitWithin(maxWidth, maxHeight);

        // Fits, touches the box on one side, keeps the aspect ratio to within the rounding of the other side.
        Assert.InRange(fitted.Width, 1, maxWidth);
        Assert.InRange(fitted.Height, 1, maxHeight);
        Assert.True(fitted.Width == maxWidth || fitted.Height == maxHeight, $"{fitted.Width} × {fitted.Height} touches neither side of {maxWidth} × {maxHeight}.");
        double scale = Math.Min((double)maxWidth / width, (double)maxHeight / height);
        Assert.True(Math.Abs(fitted.Width - (width * scale)) <= 0.5 || fitted.Width == 1, $"width {fitted.Width}, {width * scale} expected");
        Assert.True(Math.Abs(fitted.Height - (height * scale)) <= 0.5 || fitted.Height == 1, $"height {fitted.Height}, {height * scale} expected");
        Assert.Equal(channels, fitted.Channels);

        // Output pixel (x, y) covers source columns ⌊x·W/w⌋ to ⌊(x+1)·W/w⌋ - 1 and rows likewise: every source pixel
        // belongs to exactly one block, and each output sample is the mean of its block, rounded half up.
        var covered = new int[width * height];
        for (int y = 0; y < fitted.Height; y++)
        {
            int top = y * height / fitted.Height, bottom = (y + 1) * height / fitted.Height;
            for (int x = 0; x < fitted.Width; x++)
            {
                int left = x * width / fitted.Width, right = (x + 1) * width / fitted.Width;
                Assert.True(right > left && bottom > top, $"empty block at ({x}, {y})");
                for (int c = 0; c < channels; c++)
                {
                    double sum = 0;
                    for (int sy = top; sy < bottom; sy++)
                    {
                        for (int sx = left; sx < right; sx++)
                        {
                            sum += image.Pixels[(((sy * width) + sx) * channels) + c];
                            covered[(sy * width) + sx] += c == 0 ? 1 : 0;
                        }
                    }

                    int expected = (int)Math.Floor((sum / ((right - left) * (bottom - top))) + 0.5);
                    Assert.True(
                        expected == fitted.Pixels[(((y * fitted.Width) + x) * channels) + c],
                        $"({x}, {y}) channel {c}: {fitted.Pixels[(((y * fitted.Width) + x) * channels) + c]}, the mean of its block rounds to {expected}.");
                }
            }
        }

        Assert.All(covered, count => Assert.Equal(1, count));
    }

    [Theory]
    [InlineData(100, 50, 500, 500)]
    [InlineData(128, 128, 128, 128)]
    [InlineData(128, 64, 128, 1000)]
    [InlineData(1, 1, 1, 1)]
    public void FitWithin_ImageAlreadyFits_ReturnsItUnchanged(int width, int height, int maxWidth, int maxHeight)
    {
        RenderedImage image = RandomImage(width, height, 1, seed: 7);

        Assert.Same(image, image.FitWithin(maxWidth, maxHeight));
    }

    [Fact]
    public void FitWithin_UniformImage_StaysUniform()
    {
        var image = new RenderedImage(517, 300, 3, [.. Enumerable.Repeat((byte)201, 517 * 300 * 3)]);

        RenderedImage fitted = image.FitWithin(128, 128);

        Assert.All(fitted.Pixels, value => Assert.Equal(201, value));
    }

    [Theory]
    [InlineData(0, 10)]
    [InlineData(10, 0)]
    [InlineData(-1, 10)]
    public void FitWithin_EmptyBox_ThrowsArgumentOutOfRange(int maxWidth, int maxHeight)
    {
        RenderedImage image = RandomImage(4, 4, 1, seed: 1);

        Assert.Throws<ArgumentOutOfRangeException>(() => image.FitWithin(maxWidth, maxHeight));
    }

    private static RenderedImage RandomImage(int width, int height, int channels, int seed)
    {
        var pixels = new byte[width * height * channels];
        new Random(seed).NextBytes(pixels);
        return new RenderedImage(width, height, channels, pixels);
    }
}
