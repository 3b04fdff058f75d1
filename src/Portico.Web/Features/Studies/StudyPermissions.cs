using Portico.Index.Access;

namespace Portico.Web.Features.Studies;

/// <summary>Permissions of study actions that have no permission of their own.</summary>
public static class StudyPermissions
{
    /// <summary>
    /// Deleting a study is for administrators. There is no <c>Studies.Delete</c> permission: <see cref="Permissions.UsersManage"/>
    /// marks an administrator.
    /// </summary>
    public const string Delete = Permissions.UsersManage;
}
