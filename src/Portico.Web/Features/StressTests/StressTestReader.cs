using System.Security.Cryptography;
using System.Xml;

namespace Portico.Web.Features.StressTests;

/// <summary>
/// The registry of vendor importers (FORMATS.md §2): finds the importer for a file's root element and parses it.
/// A file no importer reads is refused as an unsupported format, and its root element and first child names (never
/// values) are logged so the format can be learned.
/// </summary>
public sealed partial class StressTestReader(IEnumerable<IStressTestImporter> importers, ILogger<StressTestReader> logger)
{
    private const int LoggedChildNames = 12;

    private readonly IStressTestImporter[] _importers = [.. importers];

    public StressTestParseResult Read(byte[] xml)
    {
        ArgumentNullException.ThrowIfNull(xml);
        string sha256 = Convert.ToHexStringLower(SHA256.HashData(xml));
        try
        {
            (string root, string ns, List<string> children) = Peek(xml);
            IStressTestImporter? importer = _importers.FirstOrDefault(i => i.CanRead(root, ns));
            if (importer is null)
            {
                LogUnsupported(logger, root, ns, string.Join(",", children));
                return StressTestParseResult.Refused(StressTestRefusal.UnsupportedFormat, $"Unsupported stress-test format: the root element <{root}> is not one Portico reads. Supported today: GE CardioSoft (CardiologyXML) exercise exports.");
            }

            using var stream = new MemoryStream(xml, writable: false);
            StressTestParseResult result = importer.Parse(stream, sha256);
            if (result.Test is { } test)
            {
                LogParsed(logger, importer.Vendor, test.ObservationType ?? "(none)", test.Trend.Count, sha256);
            }
            else
            {
                LogRefused(logger, importer.Vendor, result.Refusal.ToString(), sha256);
            }

            return result;
        }
        catch (XmlException ex)
        {
            LogNotXml(logger, ex.LineNumber, sha256);
            return StressTestParseResult.Refused(StressTestRefusal.NotXml, $"The file is not well-formed XML (line {ex.LineNumber}, position {ex.LinePosition}): it may be truncated or not an XML export.");
        }
    }

    /// <summary>The root element and the names of its first children, without reading values.</summary>
    private static (string Root, string Namespace, List<string> Children) Peek(byte[] xml)
    {
        using var stream = new MemoryStream(xml, writable: false);
        using var reader = XmlReader.Create(stream, CardioSoftImporter.ReaderSettings);
        reader.MoveToContent();
        string root = reader.LocalName;
        string ns = reader.NamespaceURI;
        var children = new List<string>();
        if (!reader.IsEmptyElement)
        {
            int depth = reader.Depth;
            reader.Read();
            while (!reader.EOF && reader.Depth > depth && children.Count < LoggedChildNames)
            {
                if (reader.NodeType == XmlNodeType.Element && reader.Depth == depth + 1)
                {
                    children.Add(reader.LocalName);
                    reader.Skip();
                }
                else
                {
                    reader.Read();
                }
            }
        }

        return (root, ns, children);
    }

    [LoggerMessage(5900, LogLevel.Warning, "Stress test refused: unsupported format, root element {Root} (namespace '{Namespace}'), first children {Children}")]
    private static partial void LogUnsupported(ILogger logger, string root, string @namespace, string children);

    [LoggerMessage(5901, LogLevel.Information, "Stress test parsed ({Vendor}): ObservationType {ObservationType}, {TrendEntries} trend entries, XML {Sha256}")]
    private static partial void LogParsed(ILogger logger, string vendor, string observationType, int trendEntries, string sha256);

    [LoggerMessage(5902, LogLevel.Information, "Stress test refused ({Vendor}): {Refusal}, XML {Sha256}")]
    private static partial void LogRefused(ILogger logger, string vendor, string refusal, string sha256);

    [LoggerMessage(5903, LogLevel.Information, "Stress test refused: not well-formed XML (line {Line}), file {Sha256}")]
    private static partial void LogNotXml(ILogger logger, int line, string sha256);
}
