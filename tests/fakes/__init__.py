"""Loopback fakes of the networks' APIs: real recorded payloads, served over real HTTP, with faults on demand."""
