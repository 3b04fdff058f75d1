using System.Globalization;
using System.Text.RegularExpressions;

namespace Portico.Interop.Tests.Dcmtk;

/// <summary>Parses `dcmdump -Un -M +L` output into <see cref="DumpRecord"/>s (meta header, then data set).</summary>
internal static partial class DcmdumpParser
{
    [GeneratedRegex(@"^(?<indent> *)\((?<g>[0-9a-f]{4}),(?<e>[0-9a-f]{4})\) (?<vr>\S\S) (?<value>.*?) *# *(?<len>\d+|u/l), *(?<vm>\d+) (?<name>.*)$", RegexOptions.CultureInvariant | RegexOptions.Singleline)]
    private static partial Regex Line();

    [GeneratedRegex(@"^ *\([0-9a-f]{4},[0-9a-f]{4}\) ", RegexOptions.CultureInvariant)]
    private static partial Regex RecordStart();

    public static List<DumpRecord> Parse(string output)
    {
        var records = new List<DumpRecord>();
        foreach (string line in LogicalLines(output))
        {
            if (line.TrimStart().StartsWith('#') || line.Length == 0)
            {
                continue;
            }

            Match m = Line().Match(line);
            if (!m.Success)
            {
                throw new FormatException($"Unexpected dcmdump line: {line}");
            }

            uint tag = (uint.Parse(m.Groups["g"].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture) << 16)
                | uint.Parse(m.Groups["e"].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            if (tag is 0xFFFEE00D or 0xFFFEE0DD)
            {
                continue; // delimiters: structure is compared through depth.
            }

            string len = m.Groups["len"].Value;
            records.Add(new DumpRecord(
                m.Groups["indent"].Value.Length / 2,
                tag,
                m.Groups["vr"].Value,
                len == "u/l" ? -1 : long.Parse(len, CultureInfo.InvariantCulture),
                m.Groups["value"].Value));
        }

        return records;
    }

    /// <summary>dcmdump prints text values raw, so a value with line breaks spans several lines: join them.</summary>
    private static IEnumerable<string> LogicalLines(string output)
    {
        string? current = null;
        foreach (string physical in output.Split('\n'))
        {
            if (current is not null && (RecordStart().IsMatch(physical) || physical.TrimStart().StartsWith('#') || physical.TrimEnd('\r').Length == 0))
            {
                yield return current.TrimEnd('\r');
                current = null;
            }

            current = current is null ? physical : current + "\n" + physical;
        }

        if (current is not null)
        {
            yield return current.TrimEnd('\r');
        }
    }
}
