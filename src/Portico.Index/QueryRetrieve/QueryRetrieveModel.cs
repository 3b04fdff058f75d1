using System.Diagnostics.CodeAnalysis;
using Portico.Dicom.Uids;

namespace Portico.Index.QueryRetrieve;

/// <summary>The information models served (PS3.4 §C.6.1 Patient Root, §C.6.2 Study Root).</summary>
public enum QueryRetrieveModel
{
    PatientRoot,
    StudyRoot,
}

/// <summary>Maps the FIND, MOVE and GET SOP Class UIDs of both models to the model.</summary>
public static class QueryRetrieveModels
{
    /// <summary>The model of a Q/R SOP Class UID (FIND, MOVE or GET); false for any other UID.</summary>
    public static bool TryFromSopClassUid(string? sopClassUid, [NotNullWhen(true)] out QueryRetrieveModel? model)
    {
        model = sopClassUid?.TrimEnd('\0', ' ') switch
        {
            DicomUids.PatientRootQueryRetrieveInformationModelFind
                or DicomUids.PatientRootQueryRetrieveInformationModelMove
                or DicomUids.PatientRootQueryRetrieveInformationModelGet => QueryRetrieveModel.PatientRoot,
            DicomUids.StudyRootQueryRetrieveInformationModelFind
                or DicomUids.StudyRootQueryRetrieveInformationModelMove
                or DicomUids.StudyRootQueryRetrieveInformationModelGet => QueryRetrieveModel.StudyRoot,
            _ => null,
        };
        return model is not null;
    }

    /// <summary>The levels a model has, top down: Study Root has no PATIENT level.</summary>
    public static bool HasLevel(this QueryRetrieveModel model, QueryRetrieveLevel level) =>
        model == QueryRetrieveModel.PatientRoot || level != QueryRetrieveLevel.Patient;
}
