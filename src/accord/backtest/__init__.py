"""Backtests: the models scored against real negotiation outcomes (the DEU III data set)."""
