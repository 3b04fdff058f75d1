using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Routing;

namespace Portico.Web.Components.Layout;

/// <summary>A top-bar link that goes to one page of a section but shows as current on every page of it (Settings).</summary>
public sealed class SectionNavLink : NavLink
{
    [Inject]
    private NavigationManager Navigation { get; set; } = default!;

    /// <summary>The section's path, e.g. <c>/settings</c>.</summary>
    [Parameter, EditorRequired]
    public string Section { get; set; } = "";

    protected override bool ShouldMatch(string uriAbsolute)
    {
        string path = "/" + Navigation.ToBaseRelativePath(uriAbsolute);
        return path.Equals(Section, StringComparison.OrdinalIgnoreCase) || path.StartsWith(Section + "/", StringComparison.OrdinalIgnoreCase);
    }
}
