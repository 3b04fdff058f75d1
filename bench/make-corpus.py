#!/usr/bin/env python3
"""Generates the benchmark corpus with pydicom (a third-party encoder, so Portico is not timed on its own files).

  small/: 5,000 small files across 50 studies (100 per study): an echo-like header with nested
          sequences, private elements and a 64x64 8-bit image (about 6 KB each).
  ct/:    300 CT-like images, 512x512 16-bit (about 520 KB each), one study.
  us/:    40 multi-frame ultrasound cine loops, 60 frames of 640x480 8-bit (about 18 MB each), one study.

Usage: make-corpus.py OUTDIR
"""
import os
import sys

from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.sequence import Sequence
from pydicom.uid import ExplicitVRLittleEndian, generate_uid

ROOT = "1.2.826.0.1.3680043.10.1456."  # example prefix used only for generated test data


def base(study_uid, series_uid, sop_uid, sop_class, modality, n):
    ds = Dataset()
    ds.SpecificCharacterSet = "ISO_IR 100"
    ds.ImageType = ["ORIGINAL", "PRIMARY", "AXIAL"]
    ds.SOPClassUID = sop_class
    ds.SOPInstanceUID = sop_uid
    ds.StudyDate = "20260115"
    ds.SeriesDate = "20260115"
    ds.StudyTime = "101500"
    ds.AccessionNumber = "ACC%06d" % (n // 100)
    ds.Modality = modality
    ds.Manufacturer = "Benchmark Imaging"
    ds.InstitutionName = "Portico Test Hospital"
    ds.ReferringPhysicianName = "Referrer^Rita"
    ds.StudyDescription = "Benchmark study %d" % (n // 100)
    ds.SeriesDescription = "Series 1"
    ds.PatientName = "Patient^%05d" % (n // 100)
    ds.PatientID = "PID%05d" % (n // 100)
    ds.PatientBirthDate = "19700101"
    ds.PatientSex = "O"
    item = Dataset()
    item.ReferencedSOPClassUID = sop_class
    item.ReferencedSOPInstanceUID = generate_uid(ROOT)
    ds.ReferencedImageSequence = Sequence([item])
    code = Dataset()
    code.CodeValue = "T-32000"
    code.CodingSchemeDesignator = "SRT"
    code.CodeMeaning = "Heart"
    ds.AnatomicRegionSequence = Sequence([code])
    ds.add_new(0x00091010, "LO", "BENCH_PRIVATE")
    ds.add_new(0x00091011, "SH", "value")
    ds.StudyInstanceUID = study_uid
    ds.SeriesInstanceUID = series_uid
    ds.SeriesNumber = 1
    ds.InstanceNumber = n % 100 + 1
    return ds


def save(ds, path):
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = ds.SOPClassUID
    meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.file_meta = meta
    ds.is_little_endian = True
    ds.is_implicit_VR = False
    ds.preamble = b"\0" * 128
    ds.save_as(path, write_like_original=False)


def main(out):
    small = os.path.join(out, "small")
    ct = os.path.join(out, "ct")
    os.makedirs(small, exist_ok=True)
    os.makedirs(ct, exist_ok=True)
    pixels8 = bytes((i * 7) % 251 for i in range(64 * 64))
    for study in range(50):
        study_uid = generate_uid(ROOT)
        series_uid = generate_uid(ROOT)
        sdir = os.path.join(small, "study%02d" % study)
        os.makedirs(sdir, exist_ok=True)
        for i in range(100):
            n = study * 100 + i
            ds = base(study_uid, series_uid, generate_uid(ROOT), "1.2.840.10008.5.1.4.1.1.6.1", "US", n)
            ds.SamplesPerPixel = 1
            ds.PhotometricInterpretation = "MONOCHROME2"
            ds.Rows = 64
            ds.Columns = 64
            ds.BitsAllocated = 8
            ds.BitsStored = 8
            ds.HighBit = 7
            ds.PixelRepresentation = 0
            ds.PixelData = pixels8
            save(ds, os.path.join(sdir, "IM%05d.dcm" % n))
    study_uid = generate_uid(ROOT)
    series_uid = generate_uid(ROOT)
    pixels16 = bytes((i * 13) % 256 for i in range(512 * 512 * 2))
    for i in range(300):
        ds = base(study_uid, series_uid, generate_uid(ROOT), "1.2.840.10008.5.1.4.1.1.2", "CT", i)
        ds.SliceThickness = "1.0"
        ds.KVP = "120"
        ds.ImagePositionPatient = [-250.0, -250.0, -i * 1.0]
        ds.ImageOrientationPatient = [1, 0, 0, 0, 1, 0]
        ds.PixelSpacing = [0.9765625, 0.9765625]
        ds.RescaleIntercept = "-1024"
        ds.RescaleSlope = "1"
        ds.SamplesPerPixel = 1
        ds.PhotometricInterpretation = "MONOCHROME2"
        ds.Rows = 512
        ds.Columns = 512
        ds.BitsAllocated = 16
        ds.BitsStored = 12
        ds.HighBit = 11
        ds.PixelRepresentation = 0
        ds.PixelData = pixels16
        save(ds, os.path.join(ct, "CT%04d.dcm" % i))
    us = os.path.join(out, "us")
    os.makedirs(us, exist_ok=True)
    study_uid = generate_uid(ROOT)
    series_uid = generate_uid(ROOT)
    frame = bytes((i * 31) % 256 for i in range(640 * 480))
    cine = frame * 60
    for i in range(40):
        ds = base(study_uid, series_uid, generate_uid(ROOT), "1.2.840.10008.5.1.4.1.1.3.1", "US", i)
        ds.NumberOfFrames = 60
        ds.FrameTime = "33.3"
        ds.FrameIncrementPointer = 0x00181063
        ds.SamplesPerPixel = 1
        ds.PhotometricInterpretation = "MONOCHROME2"
        ds.Rows = 480
        ds.Columns = 640
        ds.BitsAllocated = 8
        ds.BitsStored = 8
        ds.HighBit = 7
        ds.PixelRepresentation = 0
        ds.PixelData = cine
        save(ds, os.path.join(us, "US%04d.dcm" % i))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
