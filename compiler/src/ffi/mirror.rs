// `w2n_mirror!`: `#[repr(C)]` mirrors of the runtime's C structs (`w2n_runtime.h`). Each mirror
// knows its C name (`C_NAME`) and, for every field in order, the field's name in C, its offset and
// its size (`FIELDS`): the layout test (`compiler/tests/abi.rs`) compares them with C's `offsetof`
// and `sizeof`, and the compiler places descriptor fields by them (`codegen/descriptor.rs`).
// A field whose C name differs from its Rust name says so: `pub ty: u32 => "type",`. A member C
// declares without a type name of its own is named by its path: `w2n_extern.of`.
// `pub const LIST;` first names a list of every mirror of the invocation (`Mirror`), which the
// layout test walks.
//
// This file is included as text in `compiler/src/ffi/mod.rs` and in every generated Rust bindings
// file (`build/bindings.rs`): plain items only, no `crate::` paths, no inner attributes.

/// One field of a mirrored C struct: its C name, byte offset and byte size.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MirrorField {
    pub name: &'static str,
    pub offset: usize,
    pub size: usize,
}

/// One mirrored C type: its name, fields, size and alignment.
#[derive(Clone, Copy, Debug)]
pub struct Mirror {
    pub c_name: &'static str,
    pub fields: &'static [MirrorField],
    pub size: usize,
    pub align: usize,
}

macro_rules! w2n_mirror {
    (pub const $list:ident; $(
        $(#[$attr:meta])*
        pub $kind:ident $name:ident = $c_name:literal {
            $($(#[$field_attr:meta])* pub $field:ident: $ty:ty $(=> $c_field:literal)?,)*
        }
    )*) => {
        /// Every mirror of this list, for the layout test.
        pub const $list: &[Mirror] = &[$(Mirror {
            c_name: $c_name,
            fields: $name::FIELDS,
            size: ::std::mem::size_of::<$name>(),
            align: ::std::mem::align_of::<$name>(),
        },)*];
        $(
        $(#[$attr])*
        #[repr(C)]
        pub $kind $name {
            $($(#[$field_attr])* pub $field: $ty,)*
        }

        impl $name {
            /// The C type this mirrors.
            pub const C_NAME: &'static str = $c_name;
            /// Every field, in declaration order.
            pub const FIELDS: &'static [MirrorField] = &[$(MirrorField {
                name: w2n_mirror!(@c_name $field $($c_field)?),
                offset: ::std::mem::offset_of!($name, $field),
                size: ::std::mem::size_of::<$ty>(),
            },)*];
        }
        )*
    };
    (@c_name $field:ident) => { stringify!($field) };
    (@c_name $field:ident $c_field:literal) => { $c_field };
}
