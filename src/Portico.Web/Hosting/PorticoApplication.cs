using Portico.Index;
using Portico.Ingest;
using Portico.Storage;

namespace Portico.Web.Hosting;

/// <summary>
/// The composition root, shared by the web server and the <c>admin</c> commands so that both run with the same
/// configuration sources and service registrations.
/// </summary>
public static class PorticoApplication
{
    public static WebApplicationBuilder CreateBuilder(string[] args)
    {
        // Settings files are found next to the program wherever it is started from; ./data stays relative to the working directory.
        WebApplicationBuilder builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        builder.AddPorticoDefaults();
        builder.Services.AddPorticoStorage(builder.Configuration);
        builder.Services.AddPorticoIndex(builder.Configuration);
        builder.Services.AddPorticoIngest(builder.Configuration);
        builder.Services.AddPorticoWeb();
        return builder;
    }
}
