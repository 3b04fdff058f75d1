using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server.Circuits;
using Portico.Index.Audit;

namespace Portico.Web.Security;

/// <summary>
/// Who is using a page of the web app and from where, for the audit entries its actions write. A page's circuit has
/// no HttpContext of its own; the address is read once from the connection that opened the circuit.
/// </summary>
public sealed class CircuitActor(AuthenticationStateProvider authentication, TimeProvider clock)
{
    public string? RemoteAddress { get; internal set; }

    public async Task<ClaimsPrincipal> UserAsync() => (await authentication.GetAuthenticationStateAsync().ConfigureAwait(false)).User;

    /// <summary>An audit entry for a change the signed-in user made on a page.</summary>
    public async Task<AuditEntry> AuditAsync(string action, string target, string? details, string? reason = null) =>
        AuditRecords.Create(await UserAsync().ConfigureAwait(false), RemoteAddress, clock, action, target, details, reason);

    /// <summary>Fills <see cref="RemoteAddress"/> when a circuit's connection comes up.</summary>
    internal sealed class Handler(CircuitActor actor, IHttpContextAccessor http) : CircuitHandler
    {
        public override Task OnConnectionUpAsync(Circuit circuit, CancellationToken cancellationToken)
        {
            actor.RemoteAddress = http.HttpContext?.Connection.RemoteIpAddress?.ToString() ?? actor.RemoteAddress;
            return Task.CompletedTask;
        }
    }
}
