namespace Portico.Web.Features.StressTests;

/// <summary>
/// One vendor's stress-test export (FORMATS.md §2: a registry of adapters). <see cref="CanRead"/> looks only at the
/// root element; <see cref="Parse"/> reads the whole file into the vendor-neutral model.
/// </summary>
public interface IStressTestImporter
{
    /// <summary>The vendor, as stored and shown (e.g. <c>GE CardioSoft</c>).</summary>
    string Vendor { get; }

    /// <summary>Whether this importer reads files whose root element has this local name and namespace.</summary>
    bool CanRead(string rootLocalName, string rootNamespace);

    /// <summary>Parses the file. Refusals (resting ECG, malformed) are results, not exceptions.</summary>
    StressTestParseResult Parse(Stream xml, string sha256);
}
