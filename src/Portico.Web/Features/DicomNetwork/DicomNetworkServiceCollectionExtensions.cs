using Portico.Web.Features.Transfers;

namespace Portico.Web.Features.DicomNetwork;

/// <summary>
/// Registration of the DICOM network: the SCP (<see cref="DicomListener"/>), its services, the sender and the transfer
/// queue. Log event ids 5600-5699 (next free 5603).
/// </summary>
public static class DicomNetworkServiceCollectionExtensions
{
    public static IServiceCollection AddPorticoDicomNetwork(this IServiceCollection services)
    {
        services.AddOptions<TransferOptions>().BindConfiguration(TransferOptions.Section)
            .Validate(o => o.MaxAttempts >= 1 && o.Concurrency >= 1 && o.RetryDelay >= TimeSpan.Zero && o.KeepFinished >= 0, "Portico:Transfers settings must be positive.")
            .ValidateOnStart();
        services.AddSingleton<DicomSender>();
        services.AddSingleton<DicomConnectionTest>();
        services.AddSingleton<PorticoDimseServices>();
        services.AddSingleton<DicomListener>();
        services.AddHostedService(sp => sp.GetRequiredService<DicomListener>());
        services.AddSingleton<TransferQueue>();
        services.AddHostedService(sp => sp.GetRequiredService<TransferQueue>());
        return services;
    }
}
