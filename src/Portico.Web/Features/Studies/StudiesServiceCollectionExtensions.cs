namespace Portico.Web.Features.Studies;

public static class StudiesServiceCollectionExtensions
{
    /// <summary>The study services shared by the Study List, the study page and <c>/api/studies</c>.</summary>
    public static IServiceCollection AddStudies(this IServiceCollection services)
    {
        services.AddScoped<StudyEditor>();
        services.AddScoped<StudyIdentityRewrite>();
        services.AddSingleton<StudyRewriteGate>();
        services.AddScoped<StudyTransfers>();
        return services;
    }
}
