namespace Portico.Dicom.Network.Pdus;

/// <summary>Asynchronous operations window sub-item (0x53), PS3.7 §D.3.3.3. Zero means unlimited.</summary>
public readonly record struct AsyncOperationsWindow(ushort MaxOperationsInvoked, ushort MaxOperationsPerformed);
