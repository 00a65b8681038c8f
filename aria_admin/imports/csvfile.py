"""An uploaded CSV file read into a tablib Dataset, each row's line kept.

django-import-export names a bad row by its index in the dataset; staff
look for it in the file, where a quoted value may span lines. So the file
is read here with the csv module, which knows the line each record starts
on, and the dataset's headers are the model's field names (the export's
headers are the table's column names, ``metadata`` for ``metadata_json``).
"""

import csv
import io

import tablib

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 10_000


class FileProblem(ValueError):
    """The file as a whole cannot be read: one sentence for the form."""


def decode(raw):
    if len(raw) > MAX_BYTES:
        raise FileProblem(f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB; split it.")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise FileProblem(f"Line {line}: the file is not UTF-8 text.") from None
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise FileProblem(f"Line {line}: the file contains a NUL character (\\x00), which no column accepts.")
    return text


def read_dataset(text, model, *, required):
    """(Dataset with field-name headers, [file line of each row]).

    ``required`` are the field names the file must have (the form's).
    """
    by_column = {f.column: f.name for f in model._meta.concrete_fields}
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
        if not header:
            raise FileProblem("The file is empty: export the list to get the expected columns.")
        unknown = [h for h in header if h not in by_column]
        names = [by_column.get(h, h) for h in header]
        if len(set(names)) != len(names):
            raise FileProblem("Line 1: a column is named twice.")
        missing = [n for n in required if n not in names]
        if missing:
            raise FileProblem(f"Line 1: columns missing: {', '.join(missing)}. Export the list to get them all.")
        dataset = tablib.Dataset(headers=names)
        lines = []
        start = reader.line_num + 1
        for record in reader:
            if len(record) != len(header):
                raise FileProblem(f"Line {start}: {len(record)} values for {len(header)} columns.")
            if len(lines) == MAX_ROWS:
                raise FileProblem(f"The file has more than {MAX_ROWS} rows; split it.")
            dataset.append(record)
            lines.append(start)
            start = reader.line_num + 1
    except csv.Error as exc:
        raise FileProblem(f"Line {reader.line_num}: not valid CSV ({exc}).") from None
    return dataset, lines, unknown
