using System.Globalization;
using System.Net.Mail;
using System.Text.RegularExpressions;

namespace Portico.Web.Features.UploadPortal;

/// <summary>
/// The Upload Portal's rules, checked on the server whatever the browser did (DESIGN.md: "Portal restrictions and
/// their messages"). Each refusal names its <see cref="Violation.Rule"/> and carries DESIGN.md's message.
/// </summary>
public static partial class PortalRules
{
    /// <summary>Non-DICOM files (PDF, JPEG, PNG) one study may have.</summary>
    public const int MaxNonDicomFilesPerStudy = 10;

    public const string NonDicomWithoutDicomMessage = "You can only upload non-DICOM files if you also upload at least one DICOM file";
    public const string TotalSizeMessage = "Total file size exceeds the limit";
    public const string UnlinkedNonDicomMessage = "Please add the following files to a study or remove them";
    public const string ConsentMessage = "Please accept the privacy policy and give your consent to start the upload";
    public const string EmailMessage = "Please enter a valid e-mail address, such as name@example.com, or leave it empty";
    public const string PhoneMessage = "Please enter a valid mobile number (digits, optionally starting with +), or leave it empty";
    public const string AttachmentTypeMessage = "Only PDF, JPEG and PNG files can be uploaded as non-DICOM files";

    public static string NonDicomPerStudyMessage(int current) => string.Create(CultureInfo.InvariantCulture,
        $"Currently added '{current}' non-DICOM files. Adding these would surpass the maximum of {MaxNonDicomFilesPerStudy} non-DICOM files that can be added to a study.");

    public static string StudiesPerSessionMessage(int cap) => string.Create(CultureInfo.InvariantCulture, $"A maximum of {cap} studies can be uploaded at once");

    /// <summary>A broken rule: its name (<c>consent</c>, <c>totalSize</c>…) and the message for the uploader.</summary>
    public sealed record Violation(string Rule, string Message);

    public sealed record ManifestStudy(string? StudyInstanceUid, string? Comment, int DicomFiles, int NonDicomFiles);

    /// <summary>What the portal page is about to upload (<c>POST /api/portal/session/manifest</c>).</summary>
    public sealed record Manifest(
        string? Email,
        string? Phone,
        bool PrivacyAccepted,
        bool ConsentAccepted,
        long TotalBytes,
        int UnlinkedNonDicomFiles,
        IReadOnlyList<ManifestStudy>? Studies);

    /// <summary>The first rule the manifest breaks, or null when it may be uploaded.</summary>
    public static Violation? Check(Manifest manifest, long maxSessionBytes, int maxStudies)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        IReadOnlyList<ManifestStudy> studies = manifest.Studies ?? [];
        int dicom = studies.Sum(s => Math.Max(0, s.DicomFiles));
        if (dicom == 0)
        {
            return new Violation("nonDicomWithoutDicom", NonDicomWithoutDicomMessage);
        }

        if (manifest.UnlinkedNonDicomFiles > 0)
        {
            return new Violation("unlinkedNonDicom", UnlinkedNonDicomMessage);
        }

        if (studies.FirstOrDefault(s => s.NonDicomFiles > MaxNonDicomFilesPerStudy) is { } crowded)
        {
            return new Violation("nonDicomPerStudy", NonDicomPerStudyMessage(crowded.NonDicomFiles));
        }

        if (studies.Select(s => s.StudyInstanceUid).Distinct(StringComparer.Ordinal).Count() > maxStudies)
        {
            return new Violation("studiesPerSession", StudiesPerSessionMessage(maxStudies));
        }

        if (manifest.TotalBytes < 0 || manifest.TotalBytes > maxSessionBytes)
        {
            return new Violation("totalSize", TotalSizeMessage);
        }

        if (!IsValidEmail(manifest.Email))
        {
            return new Violation("email", EmailMessage);
        }

        if (!IsValidPhone(manifest.Phone))
        {
            return new Violation("phone", PhoneMessage);
        }

        if (!manifest.PrivacyAccepted || !manifest.ConsentAccepted)
        {
            return new Violation("consent", ConsentMessage);
        }

        return null;
    }

    /// <summary>Empty, or an address with a name, an @ and a domain with a dot.</summary>
    public static bool IsValidEmail(string? email)
    {
        if (string.IsNullOrWhiteSpace(email))
        {
            return true;
        }

        string trimmed = email.Trim();
        return trimmed.Length <= 254
            && MailAddress.TryCreate(trimmed, out MailAddress? address)
            && address.Address == trimmed
            && address.Host.Contains('.', StringComparison.Ordinal)
            && !address.Host.EndsWith('.');
    }

    /// <summary>Empty, or 6 to 15 digits with an optional leading + and spaces, dashes, dots, slashes or brackets between.</summary>
    public static bool IsValidPhone(string? phone)
    {
        if (string.IsNullOrWhiteSpace(phone))
        {
            return true;
        }

        string trimmed = phone.Trim();
        int digits = trimmed.Count(char.IsAsciiDigit);
        return trimmed.Length <= 32 && PhonePattern().IsMatch(trimmed) && digits is >= 6 and <= 15;
    }

    [GeneratedRegex(@"^\+?[0-9][0-9 ()./\-]*[0-9]$", RegexOptions.CultureInvariant)]
    private static partial Regex PhonePattern();
}
