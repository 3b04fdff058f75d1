using System.Globalization;
using System.Text;

namespace Portico.Web.Features.StressTests;

/// <summary>
/// A one-page PDF (ISO 32000-1, Helvetica, WinAnsi text) summarising a stress test. Used when a stress test without a
/// PDF report creates a new study: the study needs a DICOM instance to exist, and this summary is that instance.
/// </summary>
public static class SummaryPdf
{
    private const int MaxLines = 60;

    public static byte[] Create(IReadOnlyList<string> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var content = new StringBuilder();
        content.Append("BT\n/F1 16 Tf\n50 800 Td\n18 TL\n");
        for (int i = 0; i < Math.Min(lines.Count, MaxLines); i++)
        {
            if (i == 1)
            {
                content.Append("/F1 10 Tf\n13 TL\n");
            }

            content.Append('(').Append(Escape(lines[i])).Append(") Tj T*\n");
        }

        content.Append("ET\n");
        byte[] stream = Encoding.Latin1.GetBytes(content.ToString());

        string[] objects =
        [
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
            "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        ];
        using var pdf = new MemoryStream();
        var offsets = new List<long>();
        Write(pdf, "%PDF-1.4\n%\u00e2\u00e3\u00cf\u00d3\n");
        for (int i = 0; i < objects.Length; i++)
        {
            offsets.Add(pdf.Position);
            Write(pdf, $"{i + 1} 0 obj\n{objects[i]}\nendobj\n");
        }

        offsets.Add(pdf.Position);
        Write(pdf, $"5 0 obj\n<< /Length {stream.Length} >>\nstream\n");
        pdf.Write(stream);
        Write(pdf, "endstream\nendobj\n");
        long xref = pdf.Position;
        var table = new StringBuilder();
        table.Append(CultureInfo.InvariantCulture, $"xref\n0 {offsets.Count + 1}\n0000000000 65535 f \n");
        foreach (long offset in offsets)
        {
            table.Append(CultureInfo.InvariantCulture, $"{offset:D10} 00000 n \n");
        }

        table.Append(CultureInfo.InvariantCulture, $"trailer\n<< /Size {offsets.Count + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n");
        Write(pdf, table.ToString());
        return pdf.ToArray();
    }

    /// <summary>PDF literal string escapes; characters outside Latin-1 become '?'.</summary>
    private static string Escape(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (char c in text)
        {
            switch (c)
            {
                case '(' or ')' or '\\':
                    sb.Append('\\').Append(c);
                    break;
                case < ' ':
                    sb.Append(' ');
                    break;
                case > '\u00ff':
                    sb.Append('?');
                    break;
                default:
                    sb.Append(c);
                    break;
            }
        }

        return sb.ToString();
    }

    private static void Write(Stream stream, string text) => stream.Write(Encoding.Latin1.GetBytes(text));
}
