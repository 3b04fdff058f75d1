using System.Globalization;

namespace Portico.Imaging;

/// <summary>The VOI LUT Function (0028,1056): how a window maps values to grey levels (PS3.3 C.11.2.1.2).</summary>
public enum VoiFunction
{
    Linear,
    LinearExact,
    Sigmoid,
}

/// <summary>A window: values around <see cref="Center"/>, <see cref="Width"/> wide, spread over the grey levels.</summary>
public readonly record struct VoiWindow(double Center, double Width, VoiFunction Function = VoiFunction.Linear)
{
    /// <summary>The function named by a VOI LUT Function value or a DICOMweb <c>window</c> parameter; null when unknown.</summary>
    public static VoiFunction? ParseFunction(string? text) => text?.Trim().ToUpperInvariant() switch
    {
        null or "" or "LINEAR" => VoiFunction.Linear,
        "LINEAR_EXACT" => VoiFunction.LinearExact,
        "SIGMOID" => VoiFunction.Sigmoid,
        _ => null,
    };

    /// <summary>
    /// Reads a DICOMweb <c>window</c> parameter, <c>center,width[,function]</c> (PS3.18 §8.3.5.1.4), for example
    /// <c>40,400</c> or <c>-600,1500,linear_exact</c>.
    /// </summary>
    public static bool TryParse(string? text, out VoiWindow window)
    {
        window = default;
        string[] parts = (text ?? "").Split(',', StringSplitOptions.TrimEntries);
        if (parts.Length is < 2 or > 3
            || !double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out double center)
            || !double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out double width)
            || !double.IsFinite(center) || !double.IsFinite(width))
        {
            return false;
        }

        VoiFunction? function = parts.Length == 3 ? ParseFunction(parts[2]) : VoiFunction.Linear;
        if (function is null || width < (function == VoiFunction.Linear ? 1 : double.Epsilon))
        {
            return false;
        }

        window = new VoiWindow(center, width, function.Value);
        return true;
    }

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Center:0.###},{Width:0.###}{(Function == VoiFunction.Linear ? "" : "," + (Function == VoiFunction.Sigmoid ? "sigmoid" : "linear_exact"))}");
}
