using System.Net;
using System.Net.Sockets;

namespace Portico.Web.Features.Dicom;

/// <summary>
/// The addresses a DICOM Identity may call from: IP addresses and CIDR ranges (<c>10.1.2.3</c>, <c>10.1.0.0/16</c>,
/// <c>fd00::/8</c>). IPv4-mapped IPv6 peers (a dual-mode listener) are compared as IPv4.
/// </summary>
public sealed class AllowedAddresses
{
    private readonly IPNetwork[] _networks;

    private AllowedAddresses(IPNetwork[] networks) => _networks = networks;

    /// <summary>True when no address is listed (any address may call).</summary>
    public bool AllowsAny => _networks.Length == 0;

    /// <summary>Parses one entry; false when it is neither an IP address nor a CIDR range with no host bits set.</summary>
    public static bool TryParseEntry(string entry, out IPNetwork network)
    {
        ArgumentNullException.ThrowIfNull(entry);
        string value = entry.Trim();
        if (!value.Contains('/', StringComparison.Ordinal))
        {
            if (IPAddress.TryParse(value, out IPAddress? address))
            {
                address = Normalize(address);
                network = new IPNetwork(address, address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128);
                return true;
            }

            network = default;
            return false;
        }

        // A range is written with its network address: "10.1.2.3/16" is a typo for a host or for 10.1.0.0/16.
        return IPNetwork.TryParse(value, out network)
            && IPAddress.TryParse(value.AsSpan(0, value.IndexOf('/', StringComparison.Ordinal)), out IPAddress? written)
            && network.BaseAddress.Equals(written);
    }

    /// <summary>The parsed list; entries that do not parse (validated at the API) are skipped.</summary>
    public static AllowedAddresses Parse(IEnumerable<string>? entries)
    {
        List<IPNetwork> networks = [];
        foreach (string entry in entries ?? [])
        {
            if (TryParseEntry(entry, out IPNetwork network))
            {
                networks.Add(network);
            }
        }

        return new AllowedAddresses([.. networks]);
    }

    public bool Contains(IPAddress? address)
    {
        if (AllowsAny)
        {
            return true;
        }

        if (address is null)
        {
            return false;
        }

        address = Normalize(address);
        foreach (IPNetwork network in _networks)
        {
            if (network.Contains(address))
            {
                return true;
            }
        }

        return false;
    }

    private static IPAddress Normalize(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
}
