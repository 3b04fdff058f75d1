namespace Portico.Web.Features.StressTests;

/// <summary>One stress test to import: the XML (required), the PDF report (optional) and, after a question, a person's choice.</summary>
/// <param name="Xml">The XML export's bytes (at most <see cref="StressTestOptions.MaxXmlBytes"/>).</param>
/// <param name="XmlFileName">Its file name, kept for the download.</param>
/// <param name="Pdf">The PDF report's bytes, or null.</param>
/// <param name="TargetStudyInstanceUid">The study a person chose (among the candidates, or any study).</param>
/// <param name="Confirm">Attach to <paramref name="TargetStudyInstanceUid"/> even though the identities conflict.</param>
public sealed record StressTestImportRequest(byte[] Xml, string XmlFileName, byte[]? Pdf, string? TargetStudyInstanceUid = null, bool Confirm = false);
