using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Portico.Web.Features.Dicom;
using Xunit;

namespace Portico.Web.Tests.Dicom;

public sealed class DicomOptionsTests
{
    [Fact]
    public void Defaults_AreValid_AndAsDocumented()
    {
        var options = new DicomOptions();

        Assert.Empty(options.Validate());
        Assert.Equal((11112, 2762, "PORTICO", "0.0.0.0"), (options.Port, options.TlsPort, options.AETitle, options.ListenAddress));
        Assert.Equal((64, 262144), (options.MaxConcurrentAssociations, options.MaxPduLength));
        Assert.Equal((TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(5), TimeSpan.FromDays(90)), (options.ArtimTimeout, options.IdleTimeout, options.AssociationLogRetention));
    }

    [Theory]
    [InlineData("Port", "70000")]
    [InlineData("TlsPort", "-1")]
    [InlineData("AETitle", "MUCH_TOO_LONG_AE_TITLE")]
    [InlineData("AETitle", "BACK\\SLASH")]
    [InlineData("ListenAddress", "everywhere")]
    [InlineData("MaxConcurrentAssociations", "0")]
    [InlineData("MaxPduLength", "100")]
    [InlineData("IdleTimeout", "00:00:00")]
    [InlineData("Tls:CertificatePath", "/etc/portico/server.pem")]
    public void Start_WithAnInvalidSetting_FailsNamingIt(string key, string value)
    {
        using var factory = new PorticoFactory();
        using var broken = factory.WithWebHostBuilder(b => b.UseSetting("Portico:Dicom:" + key, value));

        var error = Assert.Throws<OptionsValidationException>(() => broken.Services.GetRequiredService<IOptions<DicomOptions>>());

        Assert.Contains("Portico:Dicom:" + key.Split(':')[0], error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SamePlainAndTlsPort_IsInvalid_UnlessBothAreFree()
    {
        Assert.NotEmpty(new DicomOptions { Port = 4242, TlsPort = 4242 }.Validate());
        Assert.Empty(new DicomOptions { Port = 0, TlsPort = 0 }.Validate());
        Assert.Empty(new DicomOptions { Port = 4242, TlsPort = 4242, TlsEnabled = false }.Validate());
    }
}
