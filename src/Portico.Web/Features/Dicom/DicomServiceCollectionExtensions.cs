using Microsoft.Extensions.Options;
using Portico.Dicom.Network.Services;

namespace Portico.Web.Features.Dicom;

/// <summary>
/// Registration of the DICOM Identities feature. Its log event ids are 5700-5799: 5700-5709 the association log writer
/// (next free 5705), 5710-5719 the certificate authority (next free 5713), 5720-5729 the policy (next free 5722).
/// </summary>
public static class DicomServiceCollectionExtensions
{
    /// <summary>
    /// DICOM Identities: <see cref="DicomOptions"/> (validated at start), the <see cref="IdentityAssociationPolicy"/>
    /// (also as <see cref="IAssociationPolicy"/>), the <see cref="DicomAssociationLogWriter"/> (a hosted service) and the
    /// <see cref="DicomCertificateAuthority"/>, and the <see cref="DicomIdentityService"/> the API and the pages share.
    /// </summary>
    public static IServiceCollection AddPorticoDicomIdentities(this IServiceCollection services)
    {
        services.AddOptions<DicomOptions>().BindConfiguration(DicomOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<DicomOptions>, DicomOptionsValidator>();
        services.AddSingleton<IdentityAssociationPolicy>();
        services.AddSingleton<IAssociationPolicy>(sp => sp.GetRequiredService<IdentityAssociationPolicy>());
        services.AddSingleton<DicomAssociationLogWriter>();
        services.AddHostedService(sp => sp.GetRequiredService<DicomAssociationLogWriter>());
        services.AddSingleton<DicomCertificateAuthority>();
        services.AddScoped<DicomIdentityService>();
        return services;
    }
}
