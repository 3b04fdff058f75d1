using System.Globalization;
using System.Text;
using Portico.Dicom.Data;
using Portico.Dicom.Dictionary;
using Portico.Dicom.IO;
using Portico.Dicom.Uids;
using Portico.Dicom.Values;

namespace Portico.Dicom.Documents;

/// <summary>
/// Builds Encapsulated PDF Storage instances (SOP Class 1.2.840.10008.5.1.4.1.1.104.1, PS3.3 §A.45.1): Patient, General
/// Study, Encapsulated Document Series, General and SC Equipment, Encapsulated Document and SOP Common modules, in
/// Explicit VR Little Endian.
/// </summary>
public static class EncapsulatedPdf
{
    /// <summary>MIME Type of Encapsulated Document for PDF (PS3.3 §A.45.1.4.1).</summary>
    public const string MimeType = "application/pdf";

    /// <summary>True when <paramref name="bytes"/> start with the PDF header <c>%PDF-</c> (ISO 32000-1 §7.5.2).</summary>
    public static bool IsPdf(ReadOnlySpan<byte> bytes) => bytes.StartsWith("%PDF-"u8);

    /// <summary>
    /// The instance for <paramref name="pdf"/>. The OB value is padded with one 0x00 when the PDF has an odd length
    /// (PS3.5 §7.1.1); Encapsulated Document Length (0042,0015) keeps the unpadded count so readers can strip the pad.
    /// </summary>
    /// <exception cref="ArgumentException">The bytes are not a PDF.</exception>
    public static DicomFile Build(EncapsulatedPdfRequest request, ReadOnlyMemory<byte> pdf)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!IsPdf(pdf.Span))
        {
            throw new ArgumentException("The document is not a PDF (it does not start with %PDF-).", nameof(pdf));
        }

        var ds = new DicomDataset();
        bool ascii = IsAscii(request.PatientName) && IsAscii(request.PatientId) && IsAscii(request.ReferringPhysicianName)
            && IsAscii(request.StudyDescription) && IsAscii(request.SeriesDescription) && IsAscii(request.DocumentTitle)
            && IsAscii(request.AccessionNumber) && IsAscii(request.Manufacturer) && IsAscii(request.IssuerOfPatientId);

        // The character set first: the text elements below are encoded with it.
        ds.AddOrUpdate(DicomTags.SpecificCharacterSet, DicomVR.CS, ascii ? "ISO_IR 100" : "ISO_IR 192");

        // SOP Common
        ds.AddOrUpdate(DicomTags.SOPClassUID, DicomVR.UI, DicomUids.EncapsulatedPDFStorage);
        ds.AddOrUpdate(DicomTags.SOPInstanceUID, DicomVR.UI, request.SopInstanceUid);

        // General Study
        ds.AddOrUpdate(DicomTags.StudyInstanceUID, DicomVR.UI, request.StudyInstanceUid);
        ds.AddOrUpdate(DicomTags.StudyDate, DicomVR.DA, FormatDate(request.StudyDate));
        ds.AddOrUpdate(DicomTags.StudyTime, DicomVR.TM, request.StudyTime);
        ds.AddOrUpdate(DicomTags.ReferringPhysicianName, DicomVR.PN, request.ReferringPhysicianName);
        ds.AddOrUpdate(DicomTags.StudyID, DicomVR.SH, request.StudyId);
        ds.AddOrUpdate(DicomTags.AccessionNumber, DicomVR.SH, request.AccessionNumber);
        if (request.StudyDescription.Length > 0)
        {
            ds.AddOrUpdate(DicomTags.StudyDescription, DicomVR.LO, request.StudyDescription);
        }

        // Patient
        ds.AddOrUpdate(DicomTags.PatientName, DicomVR.PN, request.PatientName);
        ds.AddOrUpdate(DicomTags.PatientID, DicomVR.LO, request.PatientId);
        if (request.IssuerOfPatientId.Length > 0)
        {
            ds.AddOrUpdate(DicomTags.IssuerOfPatientID, DicomVR.LO, request.IssuerOfPatientId);
        }

        ds.AddOrUpdate(DicomTags.PatientBirthDate, DicomVR.DA, FormatDate(request.PatientBirthDate));
        ds.AddOrUpdate(DicomTags.PatientSex, DicomVR.CS, request.PatientSex);

        // Encapsulated Document Series
        ds.AddOrUpdate(DicomTags.Modality, DicomVR.CS, "DOC");
        ds.AddOrUpdate(DicomTags.SeriesInstanceUID, DicomVR.UI, request.SeriesInstanceUid);
        ds.AddOrUpdate(DicomTags.SeriesNumber, DicomVR.IS, request.SeriesNumber.ToString(CultureInfo.InvariantCulture));
        if (request.SeriesDescription.Length > 0)
        {
            ds.AddOrUpdate(DicomTags.SeriesDescription, DicomVR.LO, request.SeriesDescription);
        }

        // General Equipment and SC Equipment: a document made on a workstation.
        ds.AddOrUpdate(DicomTags.Manufacturer, DicomVR.LO, request.Manufacturer);
        ds.AddOrUpdate(DicomTags.ConversionType, DicomVR.CS, "WSD");

        // Encapsulated Document
        ds.AddOrUpdate(DicomTags.InstanceNumber, DicomVR.IS, "1");
        DateTime? content = request.ContentDateTime;
        ds.AddOrUpdate(DicomTags.ContentDate, DicomVR.DA, content is { } c ? c.ToString("yyyyMMdd", CultureInfo.InvariantCulture) : "");
        ds.AddOrUpdate(DicomTags.ContentTime, DicomVR.TM, content is { } t ? t.ToString("HHmmss", CultureInfo.InvariantCulture) : "");
        ds.AddOrUpdate(DicomTags.AcquisitionDateTime, DicomVR.DT, content is { } a ? a.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture) : "");
        ds.AddOrUpdate(DicomTags.BurnedInAnnotation, DicomVR.CS, "YES");
        ds.AddOrUpdate(DicomTags.DocumentTitle, DicomVR.ST, request.DocumentTitle);
        ds.Add(new DicomSequence(DicomTags.ConceptNameCodeSequence, DicomVR.SQ));
        ds.AddOrUpdate(DicomTags.MIMETypeOfEncapsulatedDocument, DicomVR.LO, MimeType);
        byte[] value = new byte[pdf.Length + (pdf.Length & 1)];
        pdf.Span.CopyTo(value);
        ds.Add(new DicomElement(DicomTags.EncapsulatedDocument, DicomVR.OB, value));
        ds.AddOrUpdate(DicomTags.EncapsulatedDocumentLength, DicomVR.UL, checked((uint)pdf.Length));

        return new DicomFile(new DicomDataset(), ds, TransferSyntax.ExplicitVRLittleEndian);
    }

    /// <summary>The PDF bytes of an Encapsulated PDF data set, without the pad byte; null when it holds none.</summary>
    public static byte[]? Extract(DicomDataset dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        if (!dataset.TryGetElement(DicomTags.EncapsulatedDocument, out DicomElement? element) || !element.IsLoaded)
        {
            return null;
        }

        ReadOnlySpan<byte> value = element.Value.Span;
        uint length = dataset.GetValue<uint>(DicomTags.EncapsulatedDocumentLength, uint.MaxValue);
        if (length <= (uint)value.Length)
        {
            return value[..(int)length].ToArray();
        }

        // No length written: strip a single trailing pad byte after the PDF's end-of-file marker.
        return value.Length > 0 && value[^1] == 0 ? value[..^1].ToArray() : value.ToArray();
    }

    /// <summary>The instance as Part 10 bytes.</summary>
    public static async Task<byte[]> ToBytesAsync(DicomFile file, CancellationToken cancellationToken = default)
    {
        using var output = new MemoryStream();
        await DicomFileWriter.WriteAsync(file, output, cancellationToken: cancellationToken).ConfigureAwait(false);
        return output.ToArray();
    }

    private static string FormatDate(DateOnly? date) => date is { } d ? d.ToString("yyyyMMdd", CultureInfo.InvariantCulture) : "";

    private static bool IsAscii(string value) => Ascii.IsValid(value);
}
