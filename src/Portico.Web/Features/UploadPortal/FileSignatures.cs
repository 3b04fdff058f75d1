namespace Portico.Web.Features.UploadPortal;

/// <summary>The non-DICOM files the portal accepts, recognised by their first bytes (never by name or declared type).</summary>
public static class FileSignatures
{
    public const string Pdf = "application/pdf";
    public const string Jpeg = "image/jpeg";
    public const string Png = "image/png";

    /// <summary>application/pdf, image/jpeg or image/png; null for anything else.</summary>
    public static string? Detect(ReadOnlySpan<byte> head) =>
        head.StartsWith("%PDF-"u8) ? Pdf
        : head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]) ? Jpeg
        : head.StartsWith((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) ? Png
        : null;

    /// <summary>The type of the file at <paramref name="path"/>; null when it is not one the portal accepts.</summary>
    public static async Task<string?> DetectAsync(string path, CancellationToken cancellationToken)
    {
        byte[] head = new byte[8];
        await using FileStream stream = File.OpenRead(path);
        int n = await stream.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        return Detect(head.AsSpan(0, n));
    }
}
