namespace Portico.Web.Features.Uploads;

/// <summary>Resumable uploads (tus 1.0.0 at <c>/api/uploads</c>), bound to <c>Portico:Uploads</c>.</summary>
public sealed class UploadOptions
{
    public const string Section = "Portico:Uploads";

    /// <summary>Largest upload (one DICOM file or one ZIP archive), refused at creation when larger. Default 2 GB.</summary>
    public long MaxFileBytes { get; set; } = 2L * 1024 * 1024 * 1024;

    /// <summary>
    /// How long an unfinished upload is kept after its last received bytes, and a finished one's outcome after
    /// processing. Expired uploads are deleted and their space reclaimed. Default 24 hours.
    /// </summary>
    public TimeSpan Expiration { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How often expired uploads are looked for. Default 10 minutes.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Space that must stay free on the uploads' file system beyond a new upload's length. Default 1 GB.</summary>
    public long MinFreeBytes { get; set; } = 1L * 1024 * 1024 * 1024;

    /// <summary>Finished uploads processed at the same time. Default 4.</summary>
    public int ProcessingConcurrency { get; set; } = 4;

    /// <summary>Where partial uploads live. Default <c>{Portico:DataDirectory}/uploads</c>.</summary>
    public string Directory { get; set; } = string.Empty;
}
