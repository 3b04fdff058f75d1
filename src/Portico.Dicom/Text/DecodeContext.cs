namespace Portico.Dicom.Text;

/// <summary>
/// What kind of value is being decoded or encoded. With ISO 2022 code extensions the active
/// character sets return to the initial ones at delimiters (PS3.5 §6.1.2.5.3), and which bytes
/// count as delimiters depends on the value representation.
/// </summary>
public enum DecodeContext
{
    /// <summary>
    /// A single-valued text (ST, LT, UT). Only control characters (CR, LF, FF, TAB…) reset the
    /// designations; 05/12 is an ordinary character.
    /// </summary>
    Text,

    /// <summary>
    /// A PN value: designations also reset at the component delimiter '^', the component group
    /// delimiter '=' and the value delimiter '\'.
    /// </summary>
    PersonName,

    /// <summary>
    /// A string VR that may hold several values (SH, LO, UC, CS…): designations also reset at the
    /// value delimiter '\'.
    /// </summary>
    MultiValued,
}
