"""Reading ``%%dnet`` cells: lines, the command table, and parsing before anything runs."""
from dnlab.parser.errors import DnetUsageError
from dnlab.parser.grammar import COMMANDS, FORMS, Command
from dnlab.parser.lines import Line, split_cell
from dnlab.parser.parse import Invocation, help_text, parse_cell, parse_line

__all__ = ["COMMANDS", "FORMS", "Command", "DnetUsageError", "Invocation", "Line",
           "help_text", "parse_cell", "parse_line", "split_cell"]
