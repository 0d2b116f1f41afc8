"""Reading ``%%dnet`` cells: lines, the command table, and parsing before anything runs."""
from dnlab.parser.grammar import COMMANDS, FORMS, MAGIC_OPTIONS, Arg, Command, Opt
from dnlab.parser.lines import Line, split_cell
from dnlab.parser.options import MagicOptions, magic_options
from dnlab.parser.parse import Invocation, find_command, help_text, opens_terminal, parse_cell, parse_line

__all__ = ["COMMANDS", "FORMS", "MAGIC_OPTIONS", "Arg", "Command", "Invocation", "Line", "MagicOptions", "Opt",
           "find_command", "help_text", "magic_options", "opens_terminal", "parse_cell", "parse_line", "split_cell"]
