namespace Portico.Web.Features.Scanning;

public static class ScanningServiceCollectionExtensions
{
    /// <summary>The ClamAV client (<c>Portico:Scanning</c>).</summary>
    public static IServiceCollection AddPorticoScanning(this IServiceCollection services)
    {
        services.AddOptions<ScanningOptions>().BindConfiguration(ScanningOptions.Section)
            .Validate(o => o.Timeout > TimeSpan.Zero && o.ChunkBytes is >= 1024 and <= 16 * 1024 * 1024, "Portico:Scanning: Timeout must be positive and ChunkBytes between 1 KiB and 16 MiB.")
            .Validate(o => string.IsNullOrWhiteSpace(o.ClamAv) || o.ClamAv.StartsWith("tcp://", StringComparison.Ordinal) || o.ClamAv.StartsWith("unix://", StringComparison.Ordinal), "Portico:Scanning:ClamAv must be tcp://host:port or unix:///path.")
            .ValidateOnStart();
        services.AddSingleton<ClamAvScanner>();
        return services;
    }
}
