"""Function calls in an equation: ``sin(x)``, ``log(x, 2)``, ``log_2 x``, ``sin^2(x)``, ``√x``.

:class:`FunctionCalls` is the part of the grammar (:mod:`steepest.equation.grammar`) that
reads a known function's name and what follows it: a base after ``_``, a power after
``^`` or in superscript, then the arguments in parentheses or one factor without them
(``sin x``, ``√x``); it checks their count against the function's entry in
:data:`~steepest.equation.vocabulary.FUNCTIONS` and builds the value, with the limits of
:mod:`steepest.equation.guards` on constants nested in functions and on the arguments of
min and max. Left out: the expressions the arguments are (the grammar reads them) and
the table of functions itself (:mod:`steepest.equation.vocabulary`).
"""

from __future__ import annotations

import sympy

from steepest.equation.cursor import Cursor
from steepest.equation.guards import MAX_MIN_MAX_ARGUMENTS, guarded_apply, guarded_power
from steepest.equation.lexer import Token
from steepest.equation.vocabulary import FUNCTIONS, Function

__all__ = ["FunctionCalls"]


class FunctionCalls(Cursor):
    """Reads function calls; the parser of :mod:`~steepest.equation.grammar` inherits it.

    An argument is read with two of the grammar's rules, which the parser supplies:
    :meth:`expression` (between parentheses) and :meth:`power` (one factor, without them).
    """

    def expression(self) -> sympy.Expr:
        """A whole expression (a sum): the grammar's rule."""
        raise NotImplementedError

    def power(self) -> sympy.Expr:
        """One factor with its power: the grammar's rule."""
        raise NotImplementedError

    def call(self) -> sympy.Expr:
        """A function: ``sin(x)``, ``log(x, 2)``, ``sin^2(x)``, ``sin⁻¹(x)``, ``sin x``, ``√x``."""
        name_token = self.next()
        name = name_token.text
        spec = FUNCTIONS[name]
        base, base_token = None, None
        if self.token.kind == "base":  # log_2(x), log_b x: read as log(x, base)
            base_token = self.next()
            base = base_token.value if base_token.value is not None else self.symbol(
                base_token.text
            )
        power: int | sympy.Expr | None = None
        if self.token.kind == "super":
            power = self.next().value
        elif self.is_op("^"):
            power = self.function_power(name_token)
        if self.is_op("("):
            args, end = self.arguments(name_token)
        elif self.starts_factor(self.token) or self.is_op("|"):
            if spec.min_args > 1:
                raise self.error(
                    f"{name} needs parentheses", name_token, hint=f"write {name}(…, …)"
                )
            self.enter(name_token)
            args = [self.power()]
            self.depth -= 1
            end = self.tokens[self.i - 1].end
            after = self.token
            if self.starts_factor(after) and after.kind != "func":
                raise self.error(
                    f"{name} without parentheses is ambiguous here",
                    name_token,
                    hint=f"write {name}(…) around its whole argument, e.g. {name}(2x) or "
                    f"{name}(2)·x",
                    end=after.end,
                )
        else:
            raise self.error(f"{name} needs an argument", name_token, hint=f"write {name}(x)")
        if power == -1:
            if spec.inverse is None:
                raise self.error(
                    f"{name}^-1 has no inverse function here",
                    name_token,
                    hint=f"for the reciprocal write 1/{name}(x)",
                )
            name, spec, power = spec.inverse, FUNCTIONS[spec.inverse], None
        if base is not None and base_token is not None:
            if len(args) != 1:
                raise self.error(
                    f"log_{base_token.text} takes 1 argument, got {len(args)}", name_token,
                    hint=f"the base is already given after '_': write log_{base_token.text}(x)",
                    end=end,
                )
            args.append(base)
        count = len(args)
        if count < spec.min_args or (spec.max_args is not None and count > spec.max_args):
            raise self.error(
                f"{name} takes {_arity(spec)}, got {count}",
                name_token,
                hint=f"{name}: {spec.doc}",
                end=end,
            )
        self.constant_nesting(name_token, args)
        if spec.build in (sympy.Min, sympy.Max):
            self.min_max_arguments += count
            if self.min_max_arguments > MAX_MIN_MAX_ARGUMENTS:
                raise self.error(
                    f"min and max have more than {MAX_MIN_MAX_ARGUMENTS} arguments in all",
                    name_token,
                    "SymPy compares every pair of arguments, which grows fast; "
                    "use fewer, or split the equation",
                    end=end,
                )
        shown = self.text[name_token.start : end]
        value = self.build(name_token, guarded_apply, spec, args, shown, end=end)
        if power is not None:
            exponent = sympy.Integer(power) if isinstance(power, int) else power
            value = self.build(name_token, guarded_power, value, exponent)
        return value

    def function_power(self, name_token: Token) -> int | sympy.Expr:
        """The power n in ``sin^2(x)``, ``sin^n(x)``, ``sin^-1(x)`` or ``sin^(-1)(x)``.

        A whole number, or one name (``sin^n(x)`` is sin(x)ⁿ, a power of the value).
        """
        caret = self.next()
        paren = self.is_op("(")
        if paren:
            self.next()
        after = self.tokens[min(self.i + 1, len(self.tokens) - 1)]
        if self.token.kind in ("var", "const") and (after.text == ")") == paren:
            named = self.next()
            if paren:
                self.next()
            return self.symbol(named.text) if named.kind == "var" else named.value
        sign = 1
        while self.is_op("-") or self.is_op("+"):
            sign *= -1 if self.next().text == "-" else 1
        number = self.token
        closed = not paren or self.tokens[min(self.i + 1, len(self.tokens) - 1)].text == ")"
        if number.kind != "number" or not number.value.is_Integer or not closed:
            name = name_token.text
            raise self.error(
                f"after '{name}^' a whole number or one name is expected",
                caret,
                hint=f"{name}^2(x) and {name}^n(x) mean {name}(x)^2 and {name}(x)^n; for "
                f"other powers write {name}(x)^(…)",
            )
        self.next()
        if paren:
            self.next()
        power = sign * int(number.value)
        if power < 1 and power != -1:
            raise self.error(
                f"{name_token.text}^{power} is not allowed",
                caret,
                hint=f"write {name_token.text}(x)^({power}) for a power of the value",
                end=number.end,
            )
        return power

    def arguments(self, name_token: Token) -> tuple[list[sympy.Expr], int]:
        """The arguments in parentheses after ``name_token``, and where the ``)`` ends."""
        opening = self.next()
        self.enter(opening)
        bars, self.bars = self.bars, 0
        if self.is_op(")"):
            raise self.error(
                f"{name_token.text}() needs an argument",
                self.token,
                hint=f"write {name_token.text}(x)",
            )
        args = [self.expression()]
        while self.is_op(","):
            comma = self.next()
            if not self.value_follows():
                raise self.missing(comma)
            args.append(self.expression())
        if not self.is_op(")"):
            raise self.unclosed(opening)
        end = self.next().end
        self.bars = bars
        self.depth -= 1
        return args, end


def _arity(spec: Function) -> str:
    """How many arguments ``spec`` takes, in words: "1 argument", "2 or more arguments"."""
    if spec.max_args is None:
        return f"{spec.min_args} or more arguments"
    if spec.min_args == spec.max_args:
        return f"{spec.min_args} argument" + "s" * (spec.min_args != 1)
    return f"{spec.min_args} to {spec.max_args} arguments"
