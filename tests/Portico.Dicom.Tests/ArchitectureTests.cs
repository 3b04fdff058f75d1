using System.Reflection;
using Portico.Dicom.Dictionary;
using Xunit;

namespace Portico.Dicom.Tests;

/// <summary>The codec is the innermost layer: it references the .NET base library and nothing else (STYLE.md).</summary>
public sealed class ArchitectureTests
{
    [Fact]
    public void PorticoDicom_References_OnlyTheBaseLibrary()
    {
        AssemblyName[] references = typeof(DicomTag).Assembly.GetReferencedAssemblies();

        string[] forbidden = references
            .Select(r => r.Name!)
            .Where(name => !(name.StartsWith("System", StringComparison.Ordinal) || name is "netstandard" or "mscorlib"))
            .ToArray();
        Assert.Empty(forbidden);
        Assert.Contains(references, r => r.Name == "System.Runtime");
    }
}
