using Portico.Dicom.IO;
using Portico.Dicom.Uids;

namespace Portico.Ingest.Pipeline;

/// <summary>Checks an instance before anything is stored. Reasons are user-facing and carry no patient data.</summary>
public static class InstanceValidator
{
    /// <summary>Returns null when the instance may be stored, else the reason it may not.</summary>
    public static string? Validate(DicomFile file, InstanceHeader header)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(header);
        if (file.Preamble is { } preamble && ExecutableSignature(preamble) is { } kind)
        {
            // CVE-2019-11687: a preamble can make a DICOM file a valid executable at the same time.
            return $"The file's preamble is a {kind} executable header; such files are refused (CVE-2019-11687).";
        }

        return Uid("SOP Class UID (0008,0016)", header.SopClassUid)
            ?? Uid("SOP Instance UID (0008,0018)", header.SopInstanceUid)
            ?? Uid("Study Instance UID (0020,000D)", header.StudyInstanceUid)
            ?? Uid("Series Instance UID (0020,000E)", header.SeriesInstanceUid)
            ?? Uid("Transfer Syntax UID (0002,0010)", header.TransferSyntaxUid);
    }

    /// <summary>Windows PE (MZ), ELF and Mach-O (thin and fat) signatures at the start of the preamble.</summary>
    public static string? ExecutableSignature(ReadOnlySpan<byte> preamble)
    {
        if (preamble.Length < 4)
        {
            return null;
        }

        if (preamble[0] == 'M' && preamble[1] == 'Z')
        {
            return "Windows (MZ)";
        }

        if (preamble[0] == 0x7F && preamble[1] == 'E' && preamble[2] == 'L' && preamble[3] == 'F')
        {
            return "ELF";
        }

        uint magic = (uint)(preamble[0] << 24 | preamble[1] << 16 | preamble[2] << 8 | preamble[3]);
        return magic is 0xFEEDFACE or 0xFEEDFACF or 0xCEFAEDFE or 0xCFFAEDFE or 0xCAFEBABE or 0xBEBAFECA ? "Mach-O" : null;
    }

    private static string? Uid(string what, string value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return $"The {what} is missing.";
        }

        return DicomUid.IsValid(value) ? null : $"The {what} is not a valid UID.";
    }
}
