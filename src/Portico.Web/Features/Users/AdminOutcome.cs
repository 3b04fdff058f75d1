namespace Portico.Web.Features.Users;

/// <summary>How an administrative change ended; <see cref="Message"/> says why when it did not happen.</summary>
public sealed record AdminOutcome(AdminOutcomeKind Kind, string? Message = null)
{
    public static AdminOutcome Done { get; } = new(AdminOutcomeKind.Done);

    public bool Succeeded => Kind == AdminOutcomeKind.Done;

    public static AdminOutcome Invalid(string message) => new(AdminOutcomeKind.Invalid, message);

    public static AdminOutcome Conflict(string message) => new(AdminOutcomeKind.Conflict, message);

    public static AdminOutcome NotFound(string message) => new(AdminOutcomeKind.NotFound, message);

    /// <summary>The HTTP answer of the API for this outcome: 204, or a problem with the reason.</summary>
    public IResult ToResult() => Kind switch
    {
        AdminOutcomeKind.Done => TypedResults.NoContent(),
        AdminOutcomeKind.NotFound => TypedResults.Problem(Message, statusCode: StatusCodes.Status404NotFound, title: "Not found"),
        AdminOutcomeKind.Conflict => TypedResults.Problem(Message, statusCode: StatusCodes.Status409Conflict, title: "Refused"),
        _ => TypedResults.Problem(Message, statusCode: StatusCodes.Status400BadRequest, title: "Invalid request"),
    };
}

public enum AdminOutcomeKind
{
    Done,
    Invalid,
    Conflict,
    NotFound,
}
