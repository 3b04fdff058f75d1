using Portico.Web.Admin;
using Portico.Web.Hosting;

// `admin <command>`: index maintenance with the server's configuration, without starting HTTP (docs/operations.md).
if (AdminCommand.IsInvoked(args))
{
    return await AdminCommand.RunAsync(args);
}

WebApplication app = PorticoApplication.CreateBuilder(args).Build();
await app.PrepareAsync();
app.UsePorticoWeb();
await app.RunAsync();
return 0;

/// <summary>Visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
