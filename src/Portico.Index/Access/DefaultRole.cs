namespace Portico.Index.Access;

/// <summary>A role seeded at installation (<see cref="DefaultRoles"/>).</summary>
public sealed record DefaultRole(Guid Id, string Name, IReadOnlyList<string> Permissions);
