namespace Portico.Ingest.Pipeline;

/// <summary>
/// One problem found by <see cref="IndexMaintenance"/>. <see cref="Subject"/> names it without patient data: a SOP
/// Instance UID (instance rows), a blob key, a Series or Study Instance UID, or a patient row's id.
/// </summary>
public sealed record IndexProblem(IndexProblemKind Kind, string Subject);
