using Microsoft.Extensions.Options;

namespace Portico.Web.Features.Dicom;

/// <summary>Checks <see cref="DicomOptions"/> at start and names every problem.</summary>
internal sealed class DicomOptionsValidator : IValidateOptions<DicomOptions>
{
    public ValidateOptionsResult Validate(string? name, DicomOptions options)
    {
        string[] problems = [.. options.Validate()];
        return problems.Length == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
