namespace Portico.Index.QueryRetrieve;

/// <summary>Query/Retrieve Level (0008,0052), PS3.4 §C.3.</summary>
public enum QueryRetrieveLevel
{
    Patient,
    Study,
    Series,
    Image,
}
