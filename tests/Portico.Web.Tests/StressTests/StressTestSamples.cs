using System.Runtime.CompilerServices;

namespace Portico.Web.Tests.StressTests;

/// <summary>The synthetic samples of tests/TestData/stress-tests (copied from the project's shared stress-test folder).</summary>
internal static class StressTestSamples
{
    public const string Bruce = "cardiosoft_bruce_4stage.xml";
    public const string Bike = "cardiosoft_bike_missing_optional.xml";
    public const string Broken = "cardiosoft_broken_truncated.xml";
    public const string Pdf = "stress_report_TEST-000101.pdf";

    public static string Path(string name) => System.IO.Path.Combine(Directory(), name);

    public static byte[] Bytes(string name) => File.ReadAllBytes(Path(name));

    /// <summary>A resting CardioSoft export (ObservationType RestECG, resting measurements only).</summary>
    public static byte[] RestingEcg => """
        <?xml version="1.0" encoding="ISO8859-1" ?>
        <CardiologyXML>
          <ObservationType>RestECG</ObservationType>
          <PatientInfo><PID>TEST-000909</PID></PatientInfo>
          <RestingECGMeasurements><VentricularRate units="BPM">61</VentricularRate></RestingECGMeasurements>
          <StripData><NumberOfLeads>12</NumberOfLeads></StripData>
        </CardiologyXML>
        """u8.ToArray();

    /// <summary>An XML export of another vendor (no importer exists: refused as unsupported).</summary>
    public static byte[] OtherVendor => """
        <?xml version="1.0" encoding="UTF-8"?>
        <StressTestExport><Patient><Id>TEST-000999</Id></Patient><Stages/></StressTestExport>
        """u8.ToArray();

    private static string Directory([CallerFilePath] string source = "") =>
        System.IO.Path.GetFullPath(System.IO.Path.Combine(System.IO.Path.GetDirectoryName(source)!, "..", "..", "TestData", "stress-tests"));
}
