using Portico.Index;
using Portico.Index.Dicom;
using static Portico.Web.Features.Dicom.DicomIdentitiesApi;

namespace Portico.Web.Features.Dicom;

/// <summary>The rules of a DICOM Identity's settings, as RFC 9457 validation errors keyed by JSON property.</summary>
public static class DicomIdentityValidation
{
    /// <summary>Operations of a new identity that lists none: verification and storage.</summary>
    public static readonly DicomIdentityOperations DefaultOperations = DicomIdentityOperations.Echo | DicomIdentityOperations.Store;

    /// <summary>Errors by property, or null when the request is valid.</summary>
    public static Dictionary<string, string[]>? Validate(DicomIdentityRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(request.Name) || request.Name.Trim().Length > IndexLimits.NameMaxLength)
        {
            errors["name"] = [$"A name is required, at most {IndexLimits.NameMaxLength} characters."];
        }

        if (AETitleError(request.AETitle) is { } aeError)
        {
            errors["aeTitle"] = [aeError];
        }

        if (request.AllowedOperations is { } operations && !DicomOperationNames.TryParse(operations, out _, out string? unknown))
        {
            errors["allowedOperations"] = [$"'{unknown}' is not an operation; use {string.Join(", ", DicomOperationNames.All)}."];
        }

        bool hasHost = !string.IsNullOrWhiteSpace(request.Host);
        if (hasHost && (request.Host!.Trim().Length > DicomIdentity.HostMaxLength || Uri.CheckHostName(request.Host.Trim()) == UriHostNameType.Unknown))
        {
            errors["host"] = ["The host is a DNS name or an IP address."];
        }
        else if (!hasHost && request.Port is not null)
        {
            errors["host"] = ["A host is required with a port."];
        }

        if (request.Port is { } port && port is < 1 or > 65535)
        {
            errors["port"] = ["The port is between 1 and 65535."];
        }
        else if (hasHost && request.Port is null)
        {
            errors["port"] = ["A port is required with a host."];
        }

        string[] bad = [.. (request.AllowedAddresses ?? []).Where(a => a is null || !AllowedAddresses.TryParseEntry(a, out _))];
        if (bad.Length > 0)
        {
            errors["allowedAddresses"] = [.. bad.Select(a => $"'{a}' is not an IP address or a CIDR range such as 10.1.0.0/16 (no host bits set).")];
        }

        return errors.Count == 0 ? null : errors;
    }

    /// <summary>The operations of a valid request (the default when it lists none).</summary>
    public static DicomIdentityOperations Operations(DicomIdentityRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.AllowedOperations is { } names && DicomOperationNames.TryParse(names, out DicomIdentityOperations operations, out _)
            ? operations
            : DefaultOperations;
    }

    /// <summary>
    /// Why <paramref name="value"/> is not an AE title (PS3.5 §6.2 VR AE), or null: 1 to 16 characters of the default
    /// repertoire (printable ASCII) without backslash; leading and trailing spaces are not significant and are removed.
    /// </summary>
    public static string? AETitleError(string? value)
    {
        string trimmed = (value ?? "").Trim(' ');
        if (trimmed.Length == 0)
        {
            return "An AE title is required (not only spaces).";
        }

        if (trimmed.Length > DicomIdentity.AETitleMaxLength)
        {
            return $"An AE title has at most {DicomIdentity.AETitleMaxLength} characters.";
        }

        return Portico.Dicom.Network.AETitle.IsValid(trimmed)
            ? null
            : "An AE title holds printable ASCII characters only: no backslash, no control characters.";
    }
}
