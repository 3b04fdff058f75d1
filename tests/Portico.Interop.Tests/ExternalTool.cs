using Portico.Tests.Shared;

namespace Portico.Interop.Tests;

/// <summary>Runs a third-party program (DCMTK) and captures its output. A missing tool fails the test: scripts/test.sh installs it.</summary>
internal static class ExternalTool
{
    public sealed record Result(int ExitCode, string StandardOutput, string StandardError);

    public static Result Run(string program, params string[] arguments)
    {
        ExternalProgram.Result result = ExternalProgram.Run(program, arguments, TimeSpan.FromMinutes(2));
        return new Result(result.ExitCode, result.OutputText, result.Error);
    }
}
