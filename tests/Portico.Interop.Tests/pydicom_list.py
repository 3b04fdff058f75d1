"""Lists a file as pydicom reads it: one line per top-level element, "gggggggg|VR|text" (text only for string VRs).

Used by Portico's interop tests for the few files DCMTK refuses but pydicom reads.
"""
import sys

import pydicom

ds = pydicom.dcmread(sys.argv[1])
for elem in ds:
    text = ""
    if elem.VR in ("AE", "AS", "CS", "DA", "DS", "DT", "IS", "LO", "LT", "PN", "SH", "ST", "TM", "UC", "UI", "UR", "UT"):
        raw = elem.value
        if isinstance(raw, (list, pydicom.multival.MultiValue)):
            text = "\\".join(str(v) for v in raw)
        else:
            text = str(raw) if raw is not None else ""
    print("%08X|%s|%s" % (elem.tag, str(elem.VR).replace("VR.", ""), text.replace("\n", " ")))
