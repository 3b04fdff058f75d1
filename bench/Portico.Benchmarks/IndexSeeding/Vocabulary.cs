using Portico.Index.Studies;

namespace Portico.Benchmarks.IndexSeeding;

/// <summary>What one modality's series look like: SOP class, typical file size, series descriptions.</summary>
/// <param name="Modality">Modality (0008,0060).</param>
/// <param name="SopClassUid">The SOP class its instances use.</param>
/// <param name="TypicalBytes">Typical size of one instance.</param>
/// <param name="InstanceWeight">Relative number of instances per series (0: always one, e.g. a report).</param>
/// <param name="SeriesDescriptions">Series descriptions to pick from.</param>
internal sealed record ModalityProfile(
    string Modality, string SopClassUid, long TypicalBytes, double InstanceWeight, string[] SeriesDescriptions);

/// <summary>A kind of study: its main modality, an optional second one (a dose report, the CT of a PET/CT), procedures.</summary>
/// <param name="Primary">The main modality.</param>
/// <param name="PrimarySeries">How many series of the main modality (inclusive range).</param>
/// <param name="Secondary">A second modality, or null.</param>
/// <param name="SecondaryChance">How often the second modality is there.</param>
/// <param name="SecondarySeries">How many series of it (inclusive range).</param>
/// <param name="Procedures">Study description and body part pairs.</param>
internal sealed record StudyKind(
    ModalityProfile Primary,
    (int Min, int Max) PrimarySeries,
    ModalityProfile? Secondary,
    double SecondaryChance,
    (int Min, int Max) SecondarySeries,
    (string Description, string BodyPart)[] Procedures);

/// <summary>Name lists and the modality and study mix of the seeded index. Fictional names only.</summary>
internal static class Vocabulary
{
    public static readonly string[] TransferSyntaxes =
    [
        "1.2.840.10008.1.2.1", // Explicit VR Little Endian
        "1.2.840.10008.1.2", // Implicit VR Little Endian
        "1.2.840.10008.1.2.4.70", // JPEG Lossless, SV1
        "1.2.840.10008.1.2.4.90", // JPEG 2000 lossless
        "1.2.840.10008.1.2.5", // RLE Lossless
        "1.2.840.10008.1.2.4.50", // JPEG Baseline
    ];

    private static readonly ModalityProfile Ct = new("CT", "1.2.840.10008.5.1.4.1.1.2", 526_000, 12,
        ["Scout", "Axial 5mm", "Axial 1.25mm", "Coronal MPR", "Sagittal MPR", "Bone 1.25mm", "Lung 1mm", "Arterial phase", "Portal venous phase"]);

    private static readonly ModalityProfile Mr = new("MR", "1.2.840.10008.5.1.4.1.1.4", 135_000, 6,
        ["Localizer", "AX T1", "AX T2 FLAIR", "SAG T1", "COR T2 FSE", "DWI b1000", "ADC", "AX T1 POST", "SWI", "3D TOF"]);

    private static readonly ModalityProfile Us = new("US", "1.2.840.10008.5.1.4.1.1.6.1", 1_200_000, 3,
        ["", "Abdomen", "Doppler", "Cine loops", "Measurements"]);

    private static readonly ModalityProfile Cr = new("CR", "1.2.840.10008.5.1.4.1.1.1", 9_500_000, 1,
        ["PA", "LAT", "AP", "Oblique", ""]);

    private static readonly ModalityProfile Dx = new("DX", "1.2.840.10008.5.1.4.1.1.1.1", 14_000_000, 1,
        ["AP portable", "PA", "LAT", "AP standing", "Weight bearing"]);

    private static readonly ModalityProfile Mg = new("MG", "1.2.840.10008.5.1.4.1.1.1.2", 38_000_000, 2,
        ["R CC", "L CC", "R MLO", "L MLO", "Tomo R CC", "Tomo L MLO"]);

    private static readonly ModalityProfile Xa = new("XA", "1.2.840.10008.5.1.4.1.1.12.1", 22_000_000, 4,
        ["LAO 30", "RAO 30 CAU 20", "AP CRA 30", "Run 1", "Run 2", "DSA"]);

    private static readonly ModalityProfile Nm = new("NM", "1.2.840.10008.5.1.4.1.1.20", 520_000, 3,
        ["Whole body anterior", "Whole body posterior", "SPECT stress", "SPECT rest", "Static"]);

    private static readonly ModalityProfile Pt = new("PT", "1.2.840.10008.5.1.4.1.1.128", 260_000, 14,
        ["PET AC", "PET NAC", "PET WB 3D", "MIP"]);

    private static readonly ModalityProfile CtForPet = Ct with { SeriesDescriptions = ["CT topogram", "CT attenuation correction", "CT WB 3mm"] };

    private static readonly ModalityProfile Ot = new("OT", "1.2.840.10008.5.1.4.1.1.7", 900_000, 1,
        ["Outside images", "Scanned request", "Secondary capture", ""]);

    private static readonly ModalityProfile DoseReport = new("SR", "1.2.840.10008.5.1.4.1.1.88.67", 24_000, 0, ["Dose Report"]);

    private static readonly ModalityProfile StructuredReport = new("SR", "1.2.840.10008.5.1.4.1.1.88.22", 18_000, 0, ["Measurements", "CAD report"]);

    /// <summary>The study mix, weighted roughly like a general hospital's radiology department.</summary>
    public static readonly WeightedChoice<StudyKind> StudyKinds = new(
        (new StudyKind(Ct, (2, 4), DoseReport, 0.4, (1, 1),
        [
            ("CT HEAD W/O CONTRAST", "HEAD"), ("CT CHEST W CONTRAST", "CHEST"), ("CT ABDOMEN PELVIS W CONTRAST", "ABDOMEN"),
            ("CTA CHEST PE PROTOCOL", "CHEST"), ("CT LUMBAR SPINE W/O", "LSPINE"), ("CT SINUS W/O", "HEAD"),
            ("CT CHEST LOW DOSE SCREENING", "CHEST"), ("CT CHEST ABDOMEN PELVIS W CONTRAST", "CHESTABDPELVIS"),
        ]), 22),
        (new StudyKind(Mr, (3, 8), null, 0, (0, 0),
        [
            ("MRI BRAIN W/WO CONTRAST", "BRAIN"), ("MRI KNEE LEFT W/O", "KNEE"), ("MRI KNEE RIGHT W/O", "KNEE"),
            ("MRI LUMBAR SPINE W/O", "LSPINE"), ("MRI SHOULDER RIGHT W/O", "SHOULDER"), ("MRI PROSTATE MULTIPARAMETRIC", "PROSTATE"),
            ("MRA HEAD W/O", "HEAD"), ("MRI CERVICAL SPINE W/O", "CSPINE"),
        ]), 14),
        (new StudyKind(Us, (1, 2), StructuredReport, 0.25, (1, 1),
        [
            ("US ABDOMEN COMPLETE", "ABDOMEN"), ("US PELVIS TRANSVAGINAL", "PELVIS"), ("US THYROID", "NECK"),
            ("ECHO TTE COMPLETE", "HEART"), ("US OB 2ND TRIMESTER", "ABDOMEN"), ("US CAROTID DOPPLER BILATERAL", "NECK"),
            ("US RENAL", "KIDNEY"),
        ]), 14),
        (new StudyKind(Cr, (1, 3), null, 0, (0, 0),
        [
            ("XR CHEST PA AND LATERAL", "CHEST"), ("XR KNEE 3 VIEWS LEFT", "KNEE"), ("XR HAND RIGHT 3 VIEWS", "HAND"),
            ("XR ANKLE LEFT 3 VIEWS", "ANKLE"), ("XR PELVIS AP", "PELVIS"), ("XR SKULL", "SKULL"),
        ]), 14),
        (new StudyKind(Dx, (1, 2), null, 0, (0, 0),
        [
            ("XR CHEST 1 VIEW PORTABLE", "CHEST"), ("XR LUMBAR SPINE 2 VIEWS", "LSPINE"), ("XR FOOT RIGHT 3 VIEWS", "FOOT"),
            ("XR ABDOMEN 1 VIEW", "ABDOMEN"), ("XR HIP LEFT 2 VIEWS", "HIP"),
        ]), 12),
        (new StudyKind(Mg, (1, 4), StructuredReport, 0.5, (1, 1),
        [
            ("MAMMO SCREENING BILATERAL W TOMO", "BREAST"), ("MAMMO DIAGNOSTIC LEFT", "BREAST"), ("MAMMO DIAGNOSTIC RIGHT", "BREAST"),
        ]), 8),
        (new StudyKind(Xa, (3, 7), DoseReport, 0.6, (1, 1),
        [
            ("CARDIAC CATH LEFT HEART", "HEART"), ("ANGIO LOWER EXTREMITY RUNOFF", "LEG"), ("CEREBRAL ANGIOGRAM", "HEAD"),
        ]), 3),
        (new StudyKind(Nm, (1, 4), null, 0, (0, 0),
        [
            ("NM BONE SCAN WHOLE BODY", "WHOLEBODY"), ("NM MYOCARDIAL PERFUSION SPECT", "HEART"), ("NM THYROID UPTAKE", "NECK"),
        ]), 3),
        (new StudyKind(Pt, (2, 3), CtForPet, 1.0, (1, 2),
        [
            ("PET/CT SKULL BASE TO MID THIGH", "WHOLEBODY"), ("PET/CT WHOLE BODY FDG", "WHOLEBODY"),
        ]), 3),
        (new StudyKind(Ot, (1, 2), null, 0, (0, 0),
        [
            ("OUTSIDE IMAGES", ""), ("SCANNED DOCUMENTS", ""), ("", ""),
        ]), 2));

    /// <summary>Family names with relative frequency; <c>DOE*</c> matches about 2% of patients.</summary>
    public static readonly WeightedChoice<string> FamilyNames = new(
        [.. "SMITH JOHNSON WILLIAMS BROWN JONES GARCIA MILLER DAVIS RODRIGUEZ MARTINEZ HERNANDEZ LOPEZ GONZALEZ WILSON ANDERSON THOMAS TAYLOR MOORE JACKSON MARTIN LEE PEREZ THOMPSON WHITE HARRIS SANCHEZ CLARK RAMIREZ LEWIS ROBINSON WALKER YOUNG ALLEN KING WRIGHT SCOTT TORRES NGUYEN HILL FLORES GREEN ADAMS NELSON BAKER HALL RIVERA CAMPBELL MITCHELL CARTER ROBERTS MUELLER SCHMIDT SCHNEIDER FISCHER WEBER MEYER WAGNER BECKER SCHULZ HOFFMANN KOCH RICHTER KLEIN WOLF NEUMANN SCHWARZ ZIMMERMANN BRAUN HOFMANN HARTMANN LANGE DUPONT DURAND LEROY MOREAU SIMON LAURENT LEFEBVRE ROSSI RUSSO FERRARI ESPOSITO BIANCHI ROMANO KOWALSKI NOWAK WISNIEWSKI NIELSEN JENSEN HANSEN PEDERSEN ANDERSEN JANSEN DE-VRIES VAN-DIJK BAKKER VISSER O'BRIEN O'CONNOR MURPHY KELLY WALSH BYRNE SILVA SANTOS OLIVEIRA PEREIRA COSTA IVANOV PETROV SOKOLOV KIM PARK CHOI WANG ZHANG CHEN LIU YANG HUANG PATEL SHAH SINGH KUMAR KHAN ALI HASSAN AHMED COHEN LEVI MIZRAHI OKAFOR ADEYEMI MENSAH"
            .Split(' ').Select(n => (n, 1.0)),
        ("DOE", 2.0), ("DOERING", 0.4), ("DOEBLER", 0.2), ("DOEHRING", 0.2), ("ST.JOHN", 0.3), ("MC DONALD", 0.3)]);

    public static readonly string[] GivenNamesFemale =
        "MARY PATRICIA JENNIFER LINDA ELIZABETH BARBARA SUSAN JESSICA SARAH KAREN LISA NANCY BETTY SANDRA MARGARET ASHLEY EMILY DONNA MICHELLE CAROL AMANDA MELISSA DEBORAH STEPHANIE ANNA SOFIA MARIA LAURA JULIA EMMA HANNAH LEA MARIE CLAIRE INES FATIMA AISHA MEI YUKI SOO-JIN PRIYA"
            .Split(' ');

    public static readonly string[] GivenNamesMale =
        "JAMES ROBERT JOHN MICHAEL DAVID WILLIAM RICHARD JOSEPH THOMAS CHARLES CHRISTOPHER DANIEL MATTHEW ANTHONY MARK DONALD STEVEN PAUL ANDREW JOSHUA LUCAS MAX FELIX JONAS PIERRE LUCA MARCO JAN PIOTR AHMED OMAR WEI HIROSHI MIN-HO RAHUL CARLOS JOSE DIEGO IVAN"
            .Split(' ');

    /// <summary>Japanese patients: alphabetic, ideographic and phonetic groups (PS3.5 §6.2.1).</summary>
    public static readonly string[] JapaneseNames =
    [
        "YAMADA^TAROU=山田^太郎=やまだ^たろう", "SATO^HANAKO=佐藤^花子=さとう^はなこ", "SUZUKI^ICHIRO=鈴木^一郎=すずき^いちろう",
        "TANAKA^YUKI=田中^由紀=たなか^ゆき", "WATANABE^KENJI=渡辺^健二=わたなべ^けんじ",
    ];

    public static readonly string[] ReferringPhysicians =
    [
        "WELBY^MARCUS^^DR", "KILDARE^JAMES", "QUINN^MICHAELA^^DR", "CASEY^BEN", "ROSS^DOUG", "GREENE^MARK^^DR^MD",
        "BAILEY^MIRANDA", "SHEPHERD^DEREK", "", "", "Hartmann^Ulrike", "LEROY^CAMILLE",
    ];

    public static readonly string[] StaffEmails =
    [
        "tech.anna@hospital.example", "tech.ben@hospital.example", "radiologist.chen@hospital.example",
        "frontdesk@hospital.example", "dr.okafor@hospital.example", "pacs.admin@hospital.example",
    ];

    public static readonly string[] ApiKeyNames = ["watch-folder-er", "research-export", "teleradiology-gateway"];

    public static readonly string[] ImportNames = ["archive-migration-2019", "outside-cd-import", "legacy-pacs-import"];

    /// <summary>Labels created besides the default ones, with the share of studies that carry them.</summary>
    public static readonly (string Name, double Share)[] ExtraLabels =
    [
        ("Research", 0.04), ("Follow-up", 0.03), ("Teaching", 0.02), ("Priority", 0.015), ("Tumor-Board", 0.01), ("QA", 0.01),
    ];

    public static readonly WeightedChoice<IngestSourceKind> SourceKinds = new(
        (IngestSourceKind.DicomIdentity, 70), (IngestSourceKind.User, 8), (IngestSourceKind.UploadCode, 7),
        (IngestSourceKind.Import, 10), (IngestSourceKind.ApiKey, 5));
}
