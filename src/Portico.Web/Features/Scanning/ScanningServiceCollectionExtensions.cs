namespace Portico.Web.Features.Scanning;

public static class ScanningServiceCollectionExtensions
{
    /// <summary>The ClamAV client, the scan before ingest (<see cref="IUploadScanning"/>) and the quarantine (<c>Portico:Scanning</c>).</summary>
    public static IServiceCollection AddPorticoScanning(this IServiceCollection services)
    {
        services.AddOptions<ScanningOptions>().BindConfiguration(ScanningOptions.Section)
            .PostConfigure<IConfiguration>((o, configuration) =>
            {
                if (string.IsNullOrWhiteSpace(o.QuarantineDirectory))
                {
                    string data = configuration["Portico:DataDirectory"] is { Length: > 0 } d ? d : "data";
                    o.QuarantineDirectory = Path.Combine(data, "quarantine");
                }

                o.QuarantineDirectory = Path.GetFullPath(o.QuarantineDirectory);
            })
            .Validate(o => o.Timeout > TimeSpan.Zero && o.ChunkBytes is >= 1024 and <= 16 * 1024 * 1024, "Portico:Scanning: Timeout must be positive and ChunkBytes between 1 KiB and 16 MiB.")
            .Validate(o => o.RetryInterval > TimeSpan.Zero, "Portico:Scanning:RetryInterval must be positive.")
            .Validate(o => string.IsNullOrWhiteSpace(o.ClamAv) || o.ClamAv.StartsWith("tcp://", StringComparison.Ordinal) || o.ClamAv.StartsWith("unix://", StringComparison.Ordinal), "Portico:Scanning:ClamAv must be tcp://host:port or unix:///path.")
            .ValidateOnStart();
        services.AddSingleton<ClamAvScanner>();
        services.AddSingleton<UploadScanning>();
        services.AddSingleton<IUploadScanning>(sp => sp.GetRequiredService<UploadScanning>());
        services.AddScoped<QuarantineService>();
        services.AddHostedService<QuarantineRecovery>();
        return services;
    }
}
