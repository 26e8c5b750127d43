"""PolicyQA: question answering with clause-level citations over Chinese policy documents.

Importing the package loads no model; heavy libraries are imported where they are used.
"""

__version__ = "0.1.0"
