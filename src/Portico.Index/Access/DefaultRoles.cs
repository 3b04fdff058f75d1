namespace Portico.Index.Access;

/// <summary>
/// The roles of DESIGN.md, seeded by the initial migration with these fixed ids (EF <c>HasData</c>): Administrator
/// (all), Physician and Technician (view, upload, change identity, label), Viewer (view). Administrators may
/// change them afterwards; a later migration never re-seeds them unless this data changes.
/// </summary>
public static class DefaultRoles
{
    public const string Administrator = "Administrator";
    public const string Physician = "Physician";
    public const string Technician = "Technician";
    public const string Viewer = "Viewer";

    public static readonly Guid AdministratorId = new("0195f0a0-0000-7000-8000-000000000101");
    public static readonly Guid PhysicianId = new("0195f0a0-0000-7000-8000-000000000102");
    public static readonly Guid TechnicianId = new("0195f0a0-0000-7000-8000-000000000103");
    public static readonly Guid ViewerId = new("0195f0a0-0000-7000-8000-000000000104");

    private static readonly string[] Clinical =
    [
        Permissions.StudiesView,
        Permissions.StudiesUpload,
        Permissions.StudiesChangePatientIdentity,
        Permissions.StudiesLabel,
    ];

    /// <summary>Each default role: id, name and the permissions it starts with.</summary>
    public static IReadOnlyList<DefaultRole> All { get; } =
    [
        new(AdministratorId, Administrator, Permissions.All),
        new(PhysicianId, Physician, Clinical),
        new(TechnicianId, Technician, Clinical),
        new(ViewerId, Viewer, [Permissions.StudiesView]),
    ];
}
