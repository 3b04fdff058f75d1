using Portico.Index;
using Portico.Ingest;
using Portico.Storage;
using Portico.Web.Hosting;

// Settings files are found next to the program wherever it is started from; ./data stays relative to the working directory.
WebApplicationBuilder builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.AddPorticoDefaults();
builder.Services.AddPorticoStorage(builder.Configuration);
builder.Services.AddPorticoIndex(builder.Configuration);
builder.Services.AddPorticoIngest(builder.Configuration);
builder.Services.AddPorticoWeb();

WebApplication app = builder.Build();
await app.PrepareAsync();
app.UsePorticoWeb();
await app.RunAsync();

/// <summary>Visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
