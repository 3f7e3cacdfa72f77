# Models of this domain arrive with its issue; see ../shared/product/SPEC.md.
