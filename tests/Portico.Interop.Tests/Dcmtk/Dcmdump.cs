namespace Portico.Interop.Tests.Dcmtk;

/// <summary>
/// DCMTK's dcmdump, run on a file: its verdict and its listing. The listing comes from a plain run
/// (raw values and lengths); text is also taken from a +U8 run (DCMTK converts it to UTF-8), when
/// DCMTK's iconv backend supports the file's character set.
/// </summary>
internal sealed record Dcmdump(bool Readable, List<DumpRecord> Records, List<DumpRecord>? Decoded, string Errors)
{
    public static Dcmdump Run(string path)
    {
        // -Un: UIDs as numbers; -M: leave values over 4 KB unloaded; +L: print loaded values whole.
        ExternalTool.Result raw = ExternalTool.Run("dcmdump", "-Un", "-M", "+L", path);
        if (Failed(raw))
        {
            return new Dcmdump(false, [], null, raw.StandardError.Trim());
        }

        List<DumpRecord>? decoded = null;
        ExternalTool.Result utf8 = ExternalTool.Run("dcmdump", "-Un", "-M", "+L", "+U8", path);
        if (!Failed(utf8))
        {
            decoded = DcmdumpParser.Parse(utf8.StandardOutput);
        }

        return new Dcmdump(true, DcmdumpParser.Parse(raw.StandardOutput), decoded, raw.StandardError.Trim());
    }

    private static bool Failed(ExternalTool.Result result) =>
        result.ExitCode != 0 || result.StandardError.Split('\n').Any(l => l.StartsWith("E:", StringComparison.Ordinal) || l.StartsWith("F:", StringComparison.Ordinal));
}
