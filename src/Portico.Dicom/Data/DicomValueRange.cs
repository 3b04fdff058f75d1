namespace Portico.Dicom.Data;

/// <summary>
/// Where a value that was not loaded sits in its source stream: a large value (pixel data, a
/// fragment) is kept as a range, never as a byte array, when a header is read.
/// </summary>
/// <param name="Offset">Absolute offset of the first value byte in the source.</param>
/// <param name="Length">Value length in bytes.</param>
/// <param name="BigEndian">The bytes are in big endian order (explicit VR big endian source).</param>
public readonly record struct DicomValueRange(long Offset, long Length, bool BigEndian);
